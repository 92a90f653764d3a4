import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAccountClient } from "@multi-openim/client";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMultiOpenimPlugin } from "./plugin.js";
import type { ReplyPayloadLike } from "./runtime-types.js";
import type { ChannelSnapshot } from "./status.js";
import { disabledRefresher, fakeRuntime, memoryLogger, unknownSendContext, until } from "./test-doubles.js";

/**
 * The plugin with the real client and the real SDK against a devserver on 127.0.0.2 (the account's
 * OpenIM host); OpenClaw's runtime is the double from test-doubles (records what the agent would
 * read, answers with a scripted payload). Media files are served from another port of the OpenIM host
 * (like OpenIM's MinIO next to its API, listed in mediaAllowHosts as host:port) and from 127.0.0.1,
 * which is NOT the OpenIM host here.
 */
let dev: DevServer;
const servers: Server[] = [];
const loopbackHits: string[] = [];
let media = "";
let loopback = "";
let abort: AbortController;
let running: Promise<void>;
const env = { stateDir: "", files: "", bodies: [] as string[], replies: new Map<string, ReplyPayloadLike>() };
const { logger, lines } = memoryLogger();
let runtime: ReturnType<typeof fakeRuntime>;
let plugin: ReturnType<typeof createMultiOpenimPlugin>;
const statuses: ChannelSnapshot[] = [];

async function listen(host: string, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dev = await startDevServer({ host: "127.0.0.2" });
  dev.registerUser("bot_a", { nickname: "Bot A" });
  dev.registerUser("alice", { nickname: "Alice" });
  dev.createGroup("g1", ["bot_a", "alice"], { ownerUserID: "alice" });
  loopback = await listen("127.0.0.1", (req, res) => {
    loopbackHits.push(req.url ?? "");
    res.end("secret");
  });
  media = await listen("127.0.0.2", (req, res) => {
    const files: Record<string, [string, number]> = {
      "/cat.png": ["image/png", 3000],
      "/clip.mp4": ["video/mp4", 5000],
      "/report.pdf": ["application/pdf", 7000],
      "/big.bin": ["application/octet-stream", 1_200_000],
    };
    const file = files[req.url ?? ""];
    if (file) res.writeHead(200, { "content-type": file[0] }).end(Buffer.alloc(file[1], 1));
    else if (req.url === "/to-loopback") res.writeHead(302, { location: `${loopback}/secret` }).end();
    else res.writeHead(404).end();
  });
  env.stateDir = mkdtempSync(join(tmpdir(), "mo-msg-state-"));
  env.files = join(env.stateDir, "media", "outbound");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(env.files, { recursive: true });
  for (const [name, size] of [
    ["chart.png", 2000],
    ["demo.mp4", 4000],
    ["notes.txt", 100],
  ] as const)
    writeFileSync(join(env.files, name), Buffer.alloc(size, 2));

  runtime = fakeRuntime();
  runtime.runtime.inbound.dispatch = async (params) => {
    const ctx = params.ctxPayload as { message: { bodyForAgent: string } };
    env.bodies.push(ctx.message.bodyForAgent);
    const marker = /REPLY-\w+/.exec(ctx.message.bodyForAgent)?.[0] ?? "";
    await params.delivery.deliver(env.replies.get(marker) ?? { text: "ok" }, { kind: "final" });
    return { admission: { kind: "dispatch" } };
  };
  plugin = createMultiOpenimPlugin({
    // A short send timeout: a send during a drop outlives it only through the client's send queue.
    createClient: (account, options) => createAccountClient(account, { ...options, sendTimeoutMs: 1500 }),
    createRefresher: disabledRefresher,
    stateDir: () => env.stateDir,
  });
  plugin.setApi({ logger, runtime: { channel: runtime.runtime } });
  const cfg = {
    channels: {
      "multi-openim": {
        mediaMaxMb: 1,
        mediaAllowHosts: [new URL(media).host],
        replyToMode: "first",
        dmPolicy: "open",
        accounts: { a: { token: dev.mintToken("bot_a"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } },
      },
    },
  };
  abort = new AbortController();
  running = plugin.channel.gateway.startAccount({
    cfg,
    accountId: "a",
    account: plugin.channel.config.resolveAccount(cfg, "a"),
    abortSignal: abort.signal,
    setStatus: (s) => statuses.push(s),
  });
  await until(() => statuses.some((s) => s.connected), 20_000);
}, 40_000);

afterAll(async () => {
  abort?.abort();
  await running;
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await dev?.close();
});

const bodyWith = async (needle: string) => {
  await until(() => env.bodies.some((b) => b.includes(needle)), 15_000).catch((e) => {
    throw new Error(
      `${e}: no body with ${needle}; bodies ${JSON.stringify(env.bodies)}\n${lines.slice(-20).join("\n")}`,
    );
  });
  return env.bodies.find((b) => b.includes(needle)) as string;
};

test("inbound image, video and file from the OpenIM host reach the agent as saved media", {
  timeout: 30_000,
}, async () => {
  dev.sendAs("alice", "user:bot_a", { image: { url: `${media}/cat.png` } });
  dev.sendAs("alice", "user:bot_a", { video: { url: `${media}/clip.mp4` } });
  dev.sendAs("alice", "user:bot_a", { file: { url: `${media}/report.pdf`, name: "report.pdf", size: 7000 } });
  await until(() => env.bodies.length >= 3, 15_000);
  const facts = runtime.contexts.flatMap((c) => (c.media as { kind: string; sizeBytes: number }[]) ?? []);
  expect(facts.map((f) => [f.kind, f.sizeBytes]).sort()).toEqual([
    ["document", 7000],
    ["image", 3000],
    ["video", 5000],
  ]);
  expect(env.bodies).toContain("[image] (attached)");
  expect(env.bodies).toContain("report.pdf\n[file: report.pdf] (attached)");
});

test("the SSRF guard refuses 127.0.0.1, 169.254.169.254, file://, a redirect to loopback and an oversize file; each message still arrives", {
  timeout: 30_000,
}, async () => {
  const cases = [
    [
      "loop",
      `${loopback}/secret`,
      "not from an allowed host",
      /127\.0\.0\.1:\d+ is not the account's OpenIM/,
    ],
    [
      "meta",
      "http://169.254.169.254/latest/meta-data",
      "not from an allowed host",
      /169\.254\.169\.254:80 is not/,
    ],
    ["local", "file:///etc/passwd", "not from an allowed host", /scheme file: refused/],
    [
      "redirect",
      `${media}/to-loopback`,
      "not from an allowed host",
      /127\.0\.0\.1:\d+ is not the account's OpenIM/,
    ],
    ["big", `${media}/big.bin`, "larger than mediaMaxMb", /too large/],
  ] as const;
  for (const [tag, url] of cases) dev.sendAs("alice", "user:bot_a", { file: { url, name: `${tag}.bin` } });
  for (const [tag, , why, logged] of cases) {
    // The agent reads a generic reason; the details (host, port, address) are in the log only.
    const body = await bodyWith(`${tag}.bin] (not downloaded`);
    expect(body).toContain(why);
    expect(lines.some((l) => l.includes(`not downloaded`) && logged.test(l))).toBe(true);
  }
  expect(loopbackHits).toEqual([]);
  // Each was answered (the text reached the agent, and its reply went back).
  await until(
    () => dev.messagesFor("alice").filter((m) => m.sendID === "bot_a" && m.text === "ok").length >= 5,
    15_000,
  );
});

test("agent replies with media go out as native image, video and file messages", {
  timeout: 40_000,
}, async () => {
  env.replies.set("REPLY-img", { text: "a chart", mediaUrl: join(env.files, "chart.png") });
  env.replies.set("REPLY-vid", { mediaUrls: [join(env.files, "demo.mp4")] });
  env.replies.set("REPLY-doc", { mediaUrl: join(env.files, "notes.txt") });
  env.replies.set("REPLY-bad", { text: "not this one", mediaUrl: "/etc/passwd" });
  for (const tag of ["img", "vid", "doc", "bad"]) dev.sendAs("alice", "user:bot_a", `send REPLY-${tag}`);
  const fromBot = () => dev.messagesFor("alice").filter((m) => m.sendID === "bot_a");
  await until(() => [102, 104, 105].every((t) => fromBot().some((m) => m.contentType === t)), 30_000);
  await until(() => fromBot().some((m) => m.text === "not this one"), 10_000);
  expect(fromBot().filter((m) => [102, 104, 105].includes(m.contentType))).toHaveLength(3);
  expect(lines.some((l) => l.includes("reply media not sent") && l.includes("/etc/passwd"))).toBe(true);
});

test("quotes and mentions in, quote + @asker out, read marks on the right conversations", {
  timeout: 30_000,
}, async () => {
  const route = "/msg/mark_conversation_as_read";
  const reads = dev.counters.requests[route] ?? 0;
  // Group: the bot's own @name (its nickname, as clients write it) is stripped; the reply quotes the
  // question and @-mentions the asker.
  const asked = dev.sendAs("alice", "group:g1", { text: "@Bot A the deploy failed", atUserIDs: ["bot_a"] });
  expect(await bodyWith("the deploy failed")).toBe("the deploy failed");
  const reply = await dev.waitForMessage((m) => m.sendID === "bot_a" && m.groupID === "g1", 10_000);
  expect(reply.contentType).toBe(106);
  expect(reply.atUserIDs).toEqual(["alice"]);
  expect(reply.text).toBe("@Alice ok");
  expect((reply.elem as { quoteMessage?: { clientMsgID?: string } }).quoteMessage?.clientMsgID).toBe(
    asked.clientMsgID,
  );
  // DM quoting an earlier message: the agent reads who said what.
  const original = dev.sendAs("alice", "user:bot_a", "the build is red");
  await bodyWith("the build is red");
  dev.sendAs("alice", "user:bot_a", { text: "why? REPLY-q", quoteClientMsgID: original.clientMsgID });
  expect(await bodyWith("REPLY-q")).toBe('[Quoting alice: "the build is red"]\nwhy? REPLY-q');
  // Read marks: the group (sg_g1) and the DM (si_alice_bot_a) — the devserver refuses unknown ones.
  await until(() => (dev.counters.requests[route] ?? 0) >= reads + 3, 10_000);
  expect(lines.filter((l) => l.includes("mark read failed"))).toEqual([]);
});

test("a burst of DMs: each reaches the agent once, in order, and the conversation ends read with a few marks", {
  timeout: 40_000,
}, async () => {
  const route = "/msg/mark_conversation_as_read";
  const marksBefore = dev.counters.requests[route] ?? 0;
  const n = 150;
  for (let i = 0; i < n; i++) dev.sendAs("alice", "user:bot_a", `BURST-${i}`);
  const burst = () => env.bodies.filter((b) => b.startsWith("BURST-"));
  await until(() => burst().length >= n, 30_000);
  expect(burst()).toEqual(Array.from({ length: n }, (_, i) => `BURST-${i}`));
  // The bot's read seq in the DM reaches its newest message (asked of the server, with a second token).
  const token = dev.mintToken("bot_a");
  const readState = async () => {
    const res = await fetch(`${dev.apiAddr}/conversation/get_conversations_has_read_and_max_seq`, {
      method: "POST",
      headers: { token, operationID: `read-${Date.now()}`, "content-type": "application/json" },
      body: JSON.stringify({ userID: "bot_a", conversationIDs: ["si_alice_bot_a"] }),
    });
    const json = (await res.json()) as {
      data: { seqs: Record<string, { maxSeq: number; hasReadSeq: number }> };
    };
    return json.data.seqs.si_alice_bot_a;
  };
  // Every inbound message is read (the bot's own replies after it may still be on their way).
  const last = dev.messagesFor("alice").find((m) => m.text === `BURST-${n - 1}`);
  const end = Date.now() + 10_000;
  let hasReadSeq = (await readState())?.hasReadSeq ?? 0;
  while (hasReadSeq < (last?.seq ?? 1) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    hasReadSeq = (await readState())?.hasReadSeq ?? 0;
  }
  expect(last).toBeDefined();
  expect(hasReadSeq).toBeGreaterThanOrEqual(last?.seq as number);
  const marks = (dev.counters.requests[route] ?? 0) - marksBefore;
  console.log(`[numbers] ${n} DMs in a burst: ${marks} read-mark requests`);
  expect(marks).toBeGreaterThan(0);
  expect(marks).toBeLessThan(n / 2);
});

test("a send during a disconnect is queued and delivered exactly once after the reconnect", {
  timeout: 40_000,
}, async () => {
  dev.dropConnections("bot_a");
  await until(() => statuses.at(-1)?.connected === false, 10_000);
  const started = Date.now();
  const sent = plugin.channel.outbound.sendText({
    to: "user:alice",
    text: "QUEUED-1 after the drop",
    accountId: "a",
  });
  await sent;
  const waited = Date.now() - started;
  const copies = dev
    .messagesFor("alice")
    .filter((m) => m.sendID === "bot_a" && m.text === "QUEUED-1 after the drop");
  expect(copies).toHaveLength(1);
  // Held until the account was back by the client's own send queue (client.send-queue.test.ts), which
  // waits past the 1.5 s send timeout here; nothing was resent blindly.
  expect(statuses.some((s) => s.connected === false)).toBe(true);
  await new Promise((r) => setTimeout(r, 1000));
  expect(dev.messagesFor("alice").filter((m) => m.text === "QUEUED-1 after the drop")).toHaveLength(1);
  console.log(`[numbers] send made during a disconnect delivered ${waited} ms after it was made`);
});

test("OpenClaw's recovery asks about queued sends: one that reached the server is 'sent', one that did not is replayed once", {
  timeout: 40_000,
}, async () => {
  const { message } = plugin.channel;
  // A conversation of its own: alice's holds over 100 messages of the last seconds, and then a page of
  // history cannot prove absence (the check says "unresolved" there).
  dev.registerUser("carol", { nickname: "Carol" });
  const copies = (text: string) =>
    dev.messagesFor("carol").filter((m) => m.sendID === "bot_a" && m.text === text);
  const unknownSend = (queueId: string, text: string) =>
    unknownSendContext(queueId, text, { to: "user:carol" });

  await plugin.channel.outbound.sendText({ to: "user:carol", text: "hello Carol", accountId: "a" });
  // Reached the server; the gateway died before OpenClaw recorded the result.
  await message.send.text({
    to: "user:carol",
    text: "RECOVER-1 stored",
    accountId: "a",
    deliveryQueueId: "q-dev-1",
  });
  const stored = copies("RECOVER-1 stored");
  expect(stored).toHaveLength(1);
  const sent = await message.durableFinal.reconcileUnknownSend(unknownSend("q-dev-1", "RECOVER-1 stored"));
  expect(sent).toMatchObject({
    status: "sent",
    receipt: { primaryPlatformMessageId: stored[0]?.serverMsgID },
  });
  expect(copies("RECOVER-1 stored")).toHaveLength(1);

  // Never reached the server: "not_sent", OpenClaw replays it, the replay arrives once and is then found.
  const lost = unknownSend("q-dev-2", "RECOVER-2 lost");
  expect(await message.durableFinal.reconcileUnknownSend(lost)).toEqual({ status: "not_sent" });
  await message.send.text({
    to: "user:carol",
    text: "RECOVER-2 lost",
    accountId: "a",
    deliveryQueueId: "q-dev-2",
  });
  expect(copies("RECOVER-2 lost")).toHaveLength(1);
  expect(await message.durableFinal.reconcileUnknownSend(lost)).toMatchObject({ status: "sent" });
  expect(copies("RECOVER-2 lost")).toHaveLength(1);
});
