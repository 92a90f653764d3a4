import { describe, expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import { createMultiOpenimPlugin } from "./plugin.js";
import type { ChannelSnapshot } from "./status.js";
import { disabledRefresher, FakeClient, memoryLogger, pluginWithDoubles, until } from "./test-doubles.js";

function setup(reply = "pong") {
  return pluginWithDoubles({ reply });
}

async function start(env: ReturnType<typeof setup>, cfg: unknown, accountId: string) {
  const abort = new AbortController();
  const statuses: ChannelSnapshot[] = [];
  const account = env.plugin.channel.config.resolveAccount(cfg, accountId);
  const running = env.plugin.channel.gateway.startAccount({
    cfg,
    accountId,
    account,
    abortSignal: abort.signal,
    setStatus: (s) => statuses.push(s),
  });
  await until(() => statuses.some((s) => s.connected));
  return { abort, statuses, running };
}

describe("config adapter", () => {
  test("lists configured accounts, has no default, reports skipped ones once", () => {
    const { plugin, lines } = setup();
    const cfg = twoAccountConfig({ token: "x" }, { c: { wsAddr: "ws://h:1", apiAddr: "http://h:2" } });
    const config = plugin.channel.config;
    expect(config.listAccountIds(cfg)).toEqual(["a", "b", "c"]);
    expect(config.defaultAccountId()).toBe("");
    expect(config.resolveAccount(cfg, "a").resolved?.userID).toBe("bot_a");
    const c = config.resolveAccount(cfg, "c");
    expect(c.configured).toBe(false);
    expect(c.reason).toMatch(/missing token/);
    expect(config.resolveAccount(cfg, undefined).reason).toBe("accountId is required (no default fallback)");
    config.listAccountIds(cfg);
    const warnings = lines.filter((l) => l.startsWith("warn"));
    expect(warnings.filter((l) => l.includes('account "c" skipped'))).toHaveLength(1);
    expect(warnings.filter((l) => l.includes("channels.multi-openim.token"))).toHaveLength(1);
    const disabled = twoAccountConfig({}, { d: { enabled: false } });
    expect(config.resolveAccount(disabled, "d")).toMatchObject({ enabled: false, configured: false });
    expect(lines.filter((l) => l.includes('account "d" skipped'))).toEqual([
      'info [multi-openim] config account "d" skipped: disabled (enabled: false)',
    ]);
  });
});

test('an account core rejects (path-traversal id, bad field) carries core\'s reason, not "not configured"', async () => {
  const { plugin, lines } = setup();
  const good = { token: "t", wsAddr: "ws://127.0.0.1:1", apiAddr: "http://127.0.0.1:1" };
  const cfg = twoAccountConfig({}, { "../evil": good, broken: { ...good, platformID: "five" } });
  const config = plugin.channel.config;
  expect(config.listAccountIds(cfg)).toEqual(["a", "b", "../evil", "broken"]);
  const evil = config.resolveAccount(cfg, "../evil");
  expect(evil.configured).toBe(false);
  expect(evil.reason).toMatch(
    /^invalid account id: account id "..\/evil" contains a path separator: rename it/,
  );
  expect(config.unconfiguredReason(evil)).toBe(evil.reason);
  expect(config.describeAccount(evil).lastError).toBe(evil.reason);
  const broken = config.resolveAccount(cfg, "broken");
  expect(broken.reason).toMatch(/^invalid config: channels\.multi-openim\.accounts\.broken\.platformID: /);
  // An id that is simply absent is still "not configured".
  expect(config.resolveAccount(cfg, "zed").reason).toMatch(/^not configured/);
  await expect(
    plugin.channel.gateway.startAccount({
      cfg,
      accountId: "../evil",
      account: evil,
      abortSignal: new AbortController().signal,
      setStatus: () => {},
    }),
  ).rejects.toThrow(/account "..\/evil" cannot start: invalid account id: .*contains a path separator/);
  // Logged once, as core's error (no second "skipped" line for the same problem).
  expect(lines.filter((l) => l.includes("../evil"))).toEqual([
    expect.stringMatching(
      /^error \[multi-openim\] config channels\.multi-openim\.accounts: account id "..\/evil" contains a path separator/,
    ),
  ]);
});

describe("gateway lifecycle", () => {
  test("startAccount holds until aborted, then stops only its own client", async () => {
    const env = setup();
    const cfg = twoAccountConfig();
    const a = await start(env, cfg, "a");
    const b = await start(env, cfg, "b");
    let settled = false;
    a.running.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    const last = a.statuses.at(-1) as ChannelSnapshot;
    expect(last).toMatchObject({ accountId: "a", running: true, connected: true, lifecycle: "ready" });
    expect(typeof last.lastTransportActivityAt).toBe("number");

    a.abort.abort();
    await a.running;
    const [clientA, clientB] = env.clients as [FakeClient, FakeClient];
    expect(clientA.stopped).toBe(1);
    expect(clientA.listenerCount).toBe(0);
    expect(clientB.stopped).toBe(0);
    expect(env.plugin.registry.ids()).toEqual(["b"]);
    expect(a.statuses.at(-1)).toMatchObject({ running: false, lifecycle: "stopped" });

    await env.plugin.channel.gateway.stopAccount({ accountId: "b" });
    expect(clientB.stopped).toBe(1);
    b.abort.abort();
    await b.running;
  });

  test("the account runtime is prepared once, before the first client; a failed prepare is retried", async () => {
    const order: string[] = [];
    let failNext = true;
    const env = pluginWithDoubles({
      options: {
        prepare: async () => {
          order.push("prepare");
          await new Promise((r) => setTimeout(r, 10));
          if (failNext) {
            failNext = false;
            throw new Error("runtime chunk missing");
          }
        },
        createClient: (account) => {
          order.push(`client ${account.accountId}`);
          const client = new FakeClient(account);
          env.clients.push(client);
          return client;
        },
      },
    });
    const cfg = twoAccountConfig();
    const ctx = (accountId: string) => ({
      cfg,
      accountId,
      account: env.plugin.channel.config.resolveAccount(cfg, accountId),
      abortSignal: new AbortController().signal,
      setStatus: () => {},
    });
    // Nothing is loaded by building the channel or reading the config.
    expect(order).toEqual([]);
    await expect(env.plugin.channel.gateway.startAccount(ctx("a"))).rejects.toThrow("runtime chunk missing");
    expect(order).toEqual(["prepare"]);
    const a = await start(env, cfg, "a");
    const b = await start(env, cfg, "b");
    expect(order).toEqual(["prepare", "prepare", "client a", "client b"]);
    a.abort.abort();
    b.abort.abort();
    await Promise.all([a.running, b.running]);
  });

  test("an account that cannot start is refused with its reason; a failing start rethrows", async () => {
    const env = setup();
    const cfg = twoAccountConfig({}, { c: { wsAddr: "ws://h:1", apiAddr: "http://h:2" } });
    const account = env.plugin.channel.config.resolveAccount(cfg, "c");
    const ctx = {
      cfg,
      accountId: "c",
      account,
      abortSignal: new AbortController().signal,
      setStatus: () => {},
    };
    await expect(env.plugin.channel.gateway.startAccount(ctx)).rejects.toThrow(
      /account "c" cannot start: missing token/,
    );

    const failing = createMultiOpenimPlugin({
      createClient: (acc) =>
        Object.assign(new FakeClient(acc), { failStart: new Error("login refused 1001") }),
      createRefresher: disabledRefresher,
    });
    const a = failing.channel.config.resolveAccount(cfg, "a");
    await expect(
      failing.channel.gateway.startAccount({ ...ctx, accountId: "a", account: a }),
    ).rejects.toThrow("login refused 1001");
    expect(failing.registry.ids()).toEqual([]);
  });

  test("needs-login blocks the account (terminal) instead of failing into restarts", async () => {
    const cfg = twoAccountConfig();
    const plugin = createMultiOpenimPlugin({
      createClient: (acc) => {
        const client = new FakeClient(acc);
        client.failStart = new Error("token expired, refresh off");
        client.state.auth = "needs-login";
        return client;
      },
      createRefresher: disabledRefresher,
    });
    plugin.setApi({ logger: memoryLogger().logger });
    const abort = new AbortController();
    const statuses: ChannelSnapshot[] = [];
    const running = plugin.channel.gateway.startAccount({
      cfg,
      accountId: "a",
      account: plugin.channel.config.resolveAccount(cfg, "a"),
      abortSignal: abort.signal,
      setStatus: (s) => statuses.push(s),
    });
    await until(() => statuses.some((s) => s.terminalDisconnect === true));
    expect(statuses.find((s) => s.terminalDisconnect)).toMatchObject({
      lifecycle: "blocked",
      statusState: "needs-login",
    });
    abort.abort();
    await running;
  });
});

test("a connected account whose transport went silent is replaced by a fresh client, alone", async () => {
  const env = pluginWithDoubles({ options: { healthIntervalMs: 50, publishEveryMs: 10 } });
  const { clients, plugin } = env;
  const { abort, running } = await start(env, twoAccountConfig(), "a");
  const first = clients[0] as FakeClient;
  first.setStatus({ lastTransportActivityAt: Date.now() - 60_000 });
  await until(() => clients.length === 2);
  await until(() => (clients[1] as FakeClient).started === 1);
  expect(first.stopped).toBe(1);
  expect(first.listenerCount).toBe(0);
  expect(plugin.registry.get("a")?.client).toBe(clients[1]);
  abort.abort();
  await running;
  expect((clients[1] as FakeClient).stopped).toBe(1);
});

describe("inbound", () => {
  test("a DM is dispatched with the per-account session key and answered by the same account", async () => {
    const env = setup("hello back");
    const cfg = twoAccountConfig();
    const a = await start(env, cfg, "a");
    const b = await start(env, cfg, "b");
    const [clientA, clientB] = env.clients as [FakeClient, FakeClient];
    clientA.push({ kind: "direct", text: "hi" }, "Alice");
    clientB.push({ kind: "direct", text: "hi" }, "Alice");
    await until(() => clientA.sent.length === 1 && clientB.sent.length === 1);
    expect(clientA.sent[0]).toEqual({
      kind: "text",
      target: { kind: "user", id: "Alice" },
      text: "hello back",
    });
    expect(clientB.sent[0]?.target).toEqual({ kind: "user", id: "Alice" });
    // Both accounts handle their message concurrently (journal writes first): compare without order.
    const keys = env.dispatched.map((d) => d.route.sessionKey).sort();
    expect(keys).toEqual(["agent:main:multi-openim:alice:a", "agent:main:multi-openim:alice:b"]);
    expect(env.dispatched.map((d) => d.accountId).sort()).toEqual(["a", "b"]);
    expect(env.contexts.find((c) => c.accountId === "a")).toMatchObject({
      channel: "multi-openim",
      accountId: "a",
      reply: { to: "multi-openim:user:Alice" },
    });
    a.abort.abort();
    b.abort.abort();
    await Promise.all([a.running, b.running]);
  });

  test("groups need a mention by default; the whitelist filters senders; groups keep accounts apart", async () => {
    const env = setup();
    const cfg = twoAccountConfig(
      {},
      {
        w: {
          token: twoAccountConfig().channels["multi-openim"].accounts.a.token,
          wsAddr: "ws://127.0.0.1:3",
          apiAddr: "http://127.0.0.1:3",
          inboundWhitelist: ["boss"],
          requireMention: false,
        },
      },
    );
    const a = await start(env, cfg, "a");
    const w = await start(env, cfg, "w");
    const [clientA, clientW] = env.clients as [FakeClient, FakeClient];
    clientA.push({ kind: "group", groupID: "g1", text: "no mention" });
    clientA.push({ kind: "group", groupID: "g1", text: "@bot hi", mentionsSelf: true });
    clientW.push({ kind: "direct", text: "hi" }, "stranger");
    clientW.push({ kind: "group", groupID: "g1", text: "no mention needed here" }, "boss");
    await until(() => clientA.sent.length === 1 && clientW.sent.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(env.dispatched).toHaveLength(2);
    expect(clientA.sent).toEqual([{ kind: "text", target: { kind: "group", id: "g1" }, text: "pong" }]);
    expect(clientW.sent.map((s) => s.target)).toEqual([{ kind: "group", id: "g1" }]);
    expect(env.dispatched.map((d) => d.route.sessionKey).sort()).toEqual([
      "agent:main:multi-openim:group:g1:a",
      "agent:main:multi-openim:group:g1:w",
    ]);
    a.abort.abort();
    w.abort.abort();
    await Promise.all([a.running, w.running]);
  });

  test("tool-progress deliveries are not sent to the chat; an empty message never reaches the agent", async () => {
    const env = setup();
    const cfg = twoAccountConfig();
    const a = await start(env, cfg, "a");
    const [clientA] = env.clients as [FakeClient];
    env.runtime.inbound.dispatch = async (params) => {
      env.dispatched.push(params);
      await params.delivery.deliver({ text: "calling a tool…" }, { kind: "tool" });
      await params.delivery.deliver({ text: "final answer" }, { kind: "final" });
      return { admission: { kind: "dispatch" }, dispatched: true };
    };
    clientA.push({ kind: "direct", text: "   " });
    clientA.push({ kind: "direct", text: "go" });
    await until(() => clientA.sent.length === 1);
    expect(env.dispatched).toHaveLength(1);
    expect(clientA.sent.map((s) => s.text)).toEqual(["final answer"]);
    a.abort.abort();
    await a.running;
  });

  test("a long reply is chunked at the text limit", async () => {
    const env = setup(`${"word ".repeat(1000)}end`);
    const cfg = twoAccountConfig();
    const a = await start(env, cfg, "a");
    const [clientA] = env.clients as [FakeClient];
    clientA.push({ kind: "direct", text: "tell me a lot" });
    await until(() => clientA.sent.length >= 2);
    expect(clientA.sent.every((s) => (s.text ?? "").length <= 4000)).toBe(true);
    expect(clientA.sent.map((s) => s.text).join(" ")).toBe(`${"word ".repeat(1000)}end`.trim());
    a.abort.abort();
    await a.running;
  });
});

describe("outbound", () => {
  test("explicit accountId required; unknown or stopped accounts are not connected; sends go to the named account", async () => {
    const env = setup();
    const cfg = twoAccountConfig();
    const out = env.plugin.channel.outbound;
    expect(out.resolveTarget({ to: "user:bob", accountId: "a" })).toEqual({ ok: true, to: "user:bob" });
    const noAccount = out.resolveTarget({ to: "user:bob" });
    expect(noAccount.ok === false && noAccount.error.message).toContain(
      "accountId is required (no default fallback)",
    );
    expect(out.resolveTarget({ to: "bob", accountId: "a" }).ok).toBe(false);
    await expect(out.sendText({ to: "user:bob", text: "hi" })).rejects.toThrow(
      "accountId is required (no default fallback)",
    );
    await expect(out.sendText({ to: "user:bob", text: "hi", accountId: "a" })).rejects.toThrow(
      'account "a" is not connected',
    );
    await expect(out.sendText({ to: "bob", text: "hi", accountId: "a" })).rejects.toThrow(
      /expected user:<id> or group:<id>/,
    );
    const a = await start(env, cfg, "a");
    const b = await start(env, cfg, "b");
    const result = await out.sendText({ to: "multi-openim:group:g9", text: "hi", accountId: "b" });
    expect(result).toEqual({ channel: "multi-openim", messageId: "s1" });
    const [clientA, clientB] = env.clients as [FakeClient, FakeClient];
    expect(clientA.sent).toEqual([]);
    expect(clientB.sent).toEqual([{ kind: "text", target: { kind: "group", id: "g9" }, text: "hi" }]);
    await out.sendMedia({ to: "user:bob", text: "", mediaUrl: "https://x.test/cat.png", accountId: "a" });
    await expect(
      out.sendMedia({ to: "user:bob", text: "", mediaUrl: "/etc/passwd", accountId: "a" }),
    ).rejects.toThrow(/outside the allowed media folders/);
    expect(clientA.sent).toEqual([
      { kind: "image", target: { kind: "user", id: "bob" }, source: { url: "https://x.test/cat.png" } },
    ]);
    expect(env.plugin.channel.messaging.targetResolver.looksLikeId("group:g1")).toBe(true);
    expect(env.plugin.channel.messaging.targetResolver.looksLikeId("bob")).toBe(false);
    a.abort.abort();
    b.abort.abort();
    await Promise.all([a.running, b.running]);
  });
});
