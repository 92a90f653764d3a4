import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAccountClient } from "@multi-openim/client";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMultiOpenimPlugin } from "./plugin.js";
import type { DispatchParams, ReplyPayloadLike } from "./runtime-types.js";
import type { ChannelSnapshot } from "./status.js";
import { disabledRefresher, fakeRuntime, memoryLogger, until } from "./test-doubles.js";

/**
 * The conversation features with the real client and SDK against a devserver: names (directory and
 * target resolution), message actions, typing, voice and group context. OpenClaw's runtime is the
 * double from test-doubles; the gateway e2e proves the same on a real gateway.
 */
let dev: DevServer;
let abort: AbortController;
let running: Promise<void>;
let plugin: ReturnType<typeof createMultiOpenimPlugin>;
let runtime: ReturnType<typeof fakeRuntime>;
const statuses: ChannelSnapshot[] = [];
const { logger, lines } = memoryLogger();
/** What the next dispatch does before answering (e.g. waits, to see typing). */
const turn = { beforeReply: async (_p: DispatchParams) => {}, reply: { text: "ok" } as ReplyPayloadLike };
let cfg: Record<string, unknown>;
const stateDir = mkdtempSync(join(tmpdir(), "mo-conv-state-"));
let files: Server;
let filesUrl = "";

beforeAll(async () => {
  dev = await startDevServer({ host: "127.0.0.2" });
  dev.registerUser("bot_c", { nickname: "Helper" });
  for (const [id, name] of [
    ["alice", "Alice"],
    ["alina", "Alina"],
    ["sam1", "Sam"],
    ["sam2", "Sam"],
  ] as const)
    dev.registerUser(id, { nickname: name });
  dev.createGroup("team", ["bot_c", "alice", "alina", "sam1"], {
    groupName: "Team Room",
    ownerUserID: "alice",
  });
  dev.createGroup("ops", ["bot_c", "sam2"], { groupName: "Ops" });
  // Voice files on the OpenIM host (any port, like its object storage).
  files = createServer((req, res) =>
    req.url === "/hello.mp3"
      ? res.writeHead(200, { "content-type": "audio/mpeg" }).end(Buffer.alloc(2048, 7))
      : res.writeHead(404).end(),
  );
  await new Promise<void>((r) => files.listen(0, "127.0.0.2", r));
  filesUrl = `http://127.0.0.2:${(files.address() as AddressInfo).port}`;
  runtime = fakeRuntime();
  runtime.runtime.inbound.dispatch = async (params) => {
    runtime.dispatched.push(params);
    // As OpenClaw does with the reply pipeline's typing callbacks: start before the model runs, stop after.
    const typing = (params.replyPipeline as { typing?: { start(): Promise<void>; stop(): Promise<void> } })
      ?.typing;
    await typing?.start();
    await turn.beforeReply(params);
    await params.delivery.deliver(turn.reply, { kind: "final" });
    await typing?.stop();
    return { admission: { kind: "dispatch" } };
  };
  plugin = createMultiOpenimPlugin({
    createClient: (account, options) => createAccountClient(account, options),
    createRefresher: disabledRefresher,
    stateDir: () => stateDir,
  });
  plugin.setApi({ logger, runtime: { channel: runtime.runtime } });
  cfg = {
    channels: {
      "multi-openim": {
        // The voice file server stands in for MinIO on the OpenIM host: listed as host:port.
        mediaAllowHosts: [new URL(filesUrl).host],
        accounts: {
          c: { token: dev.mintToken("bot_c"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr, dmPolicy: "open" },
        },
      },
    },
  };
  abort = new AbortController();
  running = plugin.channel.gateway.startAccount({
    cfg,
    accountId: "c",
    account: plugin.channel.config.resolveAccount(cfg, "c"),
    abortSignal: abort.signal,
    setStatus: (s) => statuses.push(s),
  });
  await until(() => statuses.some((s) => s.connected), 20_000);
}, 40_000);

afterAll(async () => {
  abort?.abort();
  await running;
  files?.closeAllConnections();
  await new Promise((r) => files?.close(r));
  await dev?.close();
  if (lines.some((l) => l.startsWith("error")))
    console.log(lines.filter((l) => l.startsWith("error")).join("\n"));
});

test("directory: self, peers (members of the account's groups) and groups, by name; members of one group", async () => {
  const { directory } = plugin.channel;
  expect(await directory.self({ accountId: "c" })).toEqual({
    kind: "user",
    id: "user:bot_c",
    name: "Helper",
    handle: "bot_c",
  });
  const ali = await directory.listPeers({ accountId: "c", query: "ali" });
  expect(ali.map((e) => [e.id, e.name])).toEqual([
    ["user:alice", "Alice"],
    ["user:alina", "Alina"],
  ]);
  const peers = await directory.listPeers({ accountId: "c" });
  expect(peers.map((e) => e.id).sort()).toEqual(["user:alice", "user:alina", "user:sam1", "user:sam2"]);
  expect((await directory.listGroups({ accountId: "c", query: "team" })).map((e) => [e.id, e.name])).toEqual([
    ["group:team", "Team Room"],
  ]);
  const members = await directory.listGroupMembers({ accountId: "c", groupId: "group:ops" });
  expect(members.map((e) => e.id)).toEqual(["user:bot_c", "user:sam2"]);
  await expect(directory.listPeers({})).rejects.toThrow(/accountId is required/);
});

test("names to targets: unique names resolve, an ambiguous one is refused with the candidates", async () => {
  const { resolveTarget } = plugin.channel.messaging.targetResolver;
  expect(await resolveTarget({ accountId: "c", input: "Alice" })).toMatchObject({
    to: "user:alice",
    kind: "user",
  });
  expect(await resolveTarget({ accountId: "c", input: "team room" })).toMatchObject({
    to: "group:team",
    kind: "group",
  });
  expect(await resolveTarget({ accountId: "c", input: "user:zed" })).toBeNull();
  expect(await resolveTarget({ accountId: "c", input: "Nobody" })).toBeNull();
  await expect(resolveTarget({ accountId: "c", input: "Sam" })).rejects.toThrow(
    /ambiguous target "Sam".*user:sam1 \(Sam\), user:sam2 \(Sam\)/,
  );
  const results = await plugin.channel.resolver.resolveTargets({
    accountId: "c",
    inputs: ["Alina", "Sam", "group:ops", "Zed"],
    kind: "user",
  });
  expect(results).toEqual([
    { input: "Alina", resolved: true, id: "user:alina", name: "Alina" },
    { input: "Sam", resolved: false, note: "ambiguous: user:sam1 (Sam), user:sam2 (Sam)" },
    { input: "group:ops", resolved: true, id: "group:ops" },
    { input: "Zed", resolved: false, note: 'no user named "Zed"' },
  ]);
  expect(plugin.channel.messaging.inferTargetChatType({ to: "Alice" })).toBeUndefined();
});

test("actions: read shows recent messages with names; delete unsends the bot's message for the other side", async () => {
  const { actions } = plugin.channel;
  expect(actions.supportsAction({ action: "send" })).toBe(false);
  expect(actions.describeMessageTool().actions).toEqual(["send", "delete", "unsend", "read"]);
  dev.sendAs("alice", "user:bot_c", "hello bot");
  await until(() => runtime.dispatched.length > 0, 10_000);
  const sent = await plugin.channel.outbound.sendText({ to: "user:alice", text: "a slip", accountId: "c" });
  await dev.waitForMessage((m) => m.sendID === "bot_c" && m.text === "a slip", 5000);
  // The SDK learns of its own send's seq from the send's echo, a moment after the send returns.
  type Read = { messages: { from: string; name?: string; text: string }[] };
  let messages: Read["messages"] = [];
  for (const end = Date.now() + 3000; !messages.some((m) => m.text === "a slip") && Date.now() < end; ) {
    const read = await actions.handleAction({
      action: "read",
      params: { to: "user:alice", limit: 10 },
      accountId: "c",
    });
    messages = (read.details as Read).messages;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(messages.map((m) => [m.from, m.name, m.text])).toEqual(
    expect.arrayContaining([
      ["user:alice", "Alice", "hello bot"],
      ["user:bot_c", "Helper", "a slip"],
    ]),
  );
  await actions.handleAction({
    action: "delete",
    params: { to: "user:alice", messageId: sent.messageId },
    accountId: "c",
  });
  await until(() => dev.messagesFor("alice").find((m) => m.text === "a slip")?.revoked === true, 5000);
  await expect(
    actions.handleAction({ action: "delete", params: { to: "user:alice" }, accountId: "c" }),
  ).rejects.toThrow(/needs --message-id/);
  await expect(
    actions.handleAction({ action: "read", params: { to: "user:alice" }, accountId: "" }),
  ).rejects.toThrow(/accountId is required/);
}, 20_000);

test("typing: shown in a DM while the turn runs, cleared after; not in groups; heartbeat typing too", async () => {
  const seen: boolean[][] = [];
  turn.beforeReply = async () => {
    seen.push(dev.inputStates("si_alina_bot_c").map((s) => s.focus));
  };
  try {
    const before = runtime.dispatched.length;
    dev.sendAs("alina", "user:bot_c", "slow question");
    await until(() => runtime.dispatched.length > before, 10_000);
    await dev.waitForMessage((m) => m.sendID === "bot_c" && m.recvID === "alina", 5000);
    await until(() => dev.inputStates("si_alina_bot_c").length === 2, 3000);
    expect(seen).toEqual([[true]]);
    expect(dev.inputStates("si_alina_bot_c").map((s) => [s.sendID, s.focus])).toEqual([
      ["bot_c", true],
      ["bot_c", false],
    ]);
    dev.sendAs("alice", "group:team", { text: "@Helper hi", atUserIDs: ["bot_c"] });
    await dev.waitForMessage((m) => m.sendID === "bot_c" && m.groupID === "team", 10_000);
    expect(dev.inputStates("sg_team")).toEqual([]);
  } finally {
    turn.beforeReply = async () => {};
  }
  await plugin.channel.heartbeat.sendTyping({ to: "user:sam1", accountId: "c" }).catch((e: unknown) => e);
  await plugin.channel.heartbeat.sendTyping({ to: "group:team", accountId: "c" });
  expect(dev.inputStates("sg_team")).toEqual([]);
}, 30_000);

test("voice: an inbound voice message reaches the agent as audio with its duration; a voice reply goes out as a voice message", async () => {
  const outDir = join(stateDir, "media", "outbound");
  mkdirSync(outDir, { recursive: true });
  const reply = join(outDir, "answer.mp3");
  writeFileSync(reply, Buffer.alloc(3000, 3));
  turn.reply = { text: "", mediaUrl: reply, audioAsVoice: true };
  try {
    const before = runtime.contexts.length;
    dev.sendAs("sam1", "user:bot_c", { sound: { url: `${filesUrl}/hello.mp3`, duration: 4, size: 2048 } });
    await until(() => runtime.contexts.length > before, 10_000);
    const ctx = runtime.contexts.at(-1) as {
      media?: { kind: string; durationMs?: number; sizeBytes: number; contentType?: string }[];
      message: { sourceModality?: string; bodyForAgent: string };
    };
    expect(ctx.media).toEqual([
      expect.objectContaining({
        kind: "audio",
        durationMs: 4000,
        sizeBytes: 2048,
        contentType: "audio/mpeg",
      }),
    ]);
    expect(ctx.message.sourceModality).toBe("voice");
    expect(ctx.message.bodyForAgent).toContain("[audio, 4 s] (attached)");
    const voice = await dev.waitForMessage((m) => m.sendID === "bot_c" && m.recvID === "sam1", 10_000);
    expect(voice.contentType).toBe(103);
    expect((voice.elem as { sourceUrl: string; dataSize: number }).dataSize).toBe(3000);
    // The same file without the voice mark is a plain file, as before.
    await plugin.channel.outbound.sendMedia({ to: "user:sam1", text: "", mediaUrl: reply, accountId: "c" });
    const file = await dev.waitForMessage(
      (m) => m.sendID === "bot_c" && m.recvID === "sam1" && m.contentType !== 103,
      10_000,
    );
    expect(file.contentType).toBe(105);
  } finally {
    turn.reply = { text: "ok" };
  }
  expect(plugin.channel.capabilities.tts.voice.synthesisTarget).toBe("audio-file");
}, 30_000);

test("group context: unanswered messages come with the next mention; a quote of the bot is answered without an @", async () => {
  const before = runtime.contexts.length;
  dev.sendAs("alina", "group:team", "the build broke on main");
  dev.sendAs("sam1", "group:team", { image: { url: `${filesUrl}/missing.png` } });
  await new Promise((r) => setTimeout(r, 300));
  expect(runtime.contexts.length).toBe(before);
  dev.sendAs("alice", "group:team", { text: "@Helper what do you think?", atUserIDs: ["bot_c"] });
  await until(() => runtime.contexts.length === before + 1, 10_000);
  type Ctx = {
    conversation: { label?: string };
    message: { bodyForAgent: string; inboundHistory?: { sender: string; body: string }[] };
    access: { mentions: { wasMentioned: boolean } };
  };
  const asked = runtime.contexts.at(-1) as Ctx;
  expect(asked.message.bodyForAgent).toBe("what do you think?");
  expect(asked.conversation.label).toBe("Team Room");
  expect(asked.message.inboundHistory?.map((h) => [h.sender, h.body])).toEqual([
    ["Alina (alina)", "the build broke on main"],
    ["Sam (sam1)", "[image]"],
  ]);
  const answer = await dev.waitForMessage(
    (m) => m.sendID === "bot_c" && m.groupID === "team" && m.text === "ok",
    10_000,
  );
  // A reply to (quote of) the bot, no @: answered, and the history was handed over once.
  dev.sendAs("alice", "group:team", { text: "why?", quoteClientMsgID: answer.clientMsgID });
  await until(() => runtime.contexts.length === before + 2, 10_000);
  const quoted = runtime.contexts.at(-1) as Ctx;
  expect(quoted.access.mentions.wasMentioned).toBe(true);
  expect(quoted.message.inboundHistory).toBeUndefined();
  // Quoting someone else is not addressing the bot.
  const other = dev.messagesFor("alina").find((m) => m.text === "the build broke on main");
  dev.sendAs("sam1", "group:team", { text: "same here", quoteClientMsgID: other?.clientMsgID ?? "" });
  await new Promise((r) => setTimeout(r, 300));
  expect(runtime.contexts.length).toBe(before + 2);
}, 30_000);

test("threading and prompt hints: replyToMode for OpenClaw, an explicit reply quotes even with off", async () => {
  const { threading, agentPrompt } = plugin.channel;
  expect(threading.resolveReplyToMode({ cfg, chatType: "group" })).toBe("off");
  expect(
    threading.resolveReplyToMode({
      cfg: {
        channels: {
          "multi-openim": {
            ...(cfg.channels as Record<string, Record<string, unknown>>)["multi-openim"],
            replyToMode: "all",
          },
        },
      },
      chatType: "group",
    }),
  ).toBe("all");
  expect(threading.resolveReplyToMode({ cfg, chatType: "direct" })).toBe("off");
  const hints = agentPrompt.messageToolHints().join("\n");
  expect(hints).toContain("user:<userID>");
  expect(hints).toContain("group:<groupID>");
  expect(hints).toContain("names its account");
  turn.reply = { text: "on it", replyToId: "current" };
  try {
    const asked = dev.sendAs("alina", "group:team", { text: "@Helper please check", atUserIDs: ["bot_c"] });
    const answer = await dev.waitForMessage((m) => m.sendID === "bot_c" && m.text.endsWith("on it"), 10_000);
    expect(answer.contentType).toBe(106);
    expect(answer.text).toBe("@Alina on it");
    expect((answer.elem as { quoteMessage?: { clientMsgID: string } }).quoteMessage?.clientMsgID).toBe(
      asked.clientMsgID,
    );
  } finally {
    turn.reply = { text: "ok" };
  }
}, 20_000);
