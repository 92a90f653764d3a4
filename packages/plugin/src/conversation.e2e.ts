import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import {
  type ChatMessage,
  freePort,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  type ModelAnswer,
  openclawArgs,
  openclawEnv,
  runCommand,
  snapshotPlugin,
  startFakeModel,
  textOf,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The conversation features in one real headless gateway (each start costs ~30 s, so one run covers
 * them all): group context, quote as mention, typing, voice in and out, `openclaw message delete`,
 * `openclaw directory`, and sends by name. One devserver, one account "a" (bot_a, "Helper").
 */
let root = "";
let dev: DevServer;
let model: Awaited<ReturnType<typeof startFakeModel>>;
let gateway: GatewayProcess | undefined;
let env: NodeJS.ProcessEnv;
let files: Server;
let voicePath = "";

/** MARK-x → "ACK MARK-x"; SLOW-x the same after 4 s; VOICE-x → an audio file marked as voice. */
function answer(messages: ChatMessage[]): ModelAnswer {
  const index = messages.findLastIndex((m) => m.role === "user" && /(MARK|SLOW|VOICE)-\w+/.test(textOf(m)));
  if (index < 0) return { text: "ACK nothing" };
  const text = textOf(messages[index] as ChatMessage);
  if (/VOICE-\w+/.test(text)) return { text: `MEDIA:${voicePath}\n[[audio_as_voice]]` };
  const slow = /SLOW-\w+/.exec(text)?.[0];
  if (slow) return { text: `ACK ${slow}`, delayMs: 4000 };
  // The last marker: a quoted message carries the earlier one first.
  return { text: `ACK ${text.match(/MARK-\w+/g)?.at(-1)}` };
}

const replyFrom = (to: string, text: string, timeoutMs = 150_000) =>
  dev.waitForMessage(
    (m) => m.sendID === "bot_a" && (m.recvID === to || m.groupID === to) && m.text.includes(text),
    timeoutMs,
  );
const requestWith = (marker: string) =>
  model.requests.find((r) => r.messages.some((m) => textOf(m).includes(marker)));
const cli = (...args: string[]) => {
  const [cmd, argv] = openclawArgs(...args);
  // Each CLI run loads OpenClaw and the plugin: ~15 s idle, far more on a loaded machine.
  return runCommand(cmd, argv, { env, timeoutMs: 180_000 });
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mo-conv-e2e-"));
  dev = await startDevServer();
  dev.registerUser("bot_a", { nickname: "Helper" });
  for (const [id, name] of [
    ["alice", "Alice"],
    ["alina", "Alina"],
    ["sam1", "Sam"],
    ["sam2", "Sam"],
  ] as const)
    dev.registerUser(id, { nickname: name });
  dev.createGroup("g1", ["bot_a", "alice", "alina", "sam1", "sam2"], { groupName: "Team Room" });
  // A voice note on the OpenIM host (any port, like its object storage).
  files = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "audio/mpeg" }).end(Buffer.alloc(4096, 9)),
  );
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
  model = await startFakeModel(answer);
  const pluginDir = await snapshotPlugin(root);
  const port = await freePort();
  env = await openclawEnv(root);
  // What TTS would write: an mp3 in OpenClaw's media folder.
  const mediaDir = join(env.OPENCLAW_STATE_DIR as string, "media", "outbound");
  await mkdir(mediaDir, { recursive: true });
  voicePath = join(mediaDir, "answer.mp3");
  await writeFile(voicePath, Buffer.alloc(5000, 5));
  const config = gatewayConfig({
    port,
    modelBaseUrl: model.baseUrl,
    pluginDir,
    channel: {
      tokenRefresh: { mode: "off" },
      // DMs from anyone: admission has its own e2e (access.e2e.ts).
      dmPolicy: "open",
      accounts: { a: { token: dev.mintToken("bot_a"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } },
    },
  });
  await writeGatewayConfig(env.OPENCLAW_CONFIG_PATH as string, config);
  const [cmd, args] = gatewayRunArgs(port);
  gateway = new GatewayProcess(cmd, args, env);
  // ~30 s on an idle machine; minutes on a loaded shared one.
  await gateway.waitFor(/\[multi-openim\] a: running/, 400_000);
}, 480_000);

afterAll(async () => {
  await gateway?.stop();
  if (process.env.MO_E2E_LOG && gateway) {
    await writeFile(
      process.env.MO_E2E_LOG,
      `${gateway.output}\n\n${JSON.stringify(model.requests, null, 1)}`,
    );
  }
  files?.closeAllConnections();
  await new Promise((r) => files?.close(r));
  await Promise.all([dev?.close(), model?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe("multi-openim conversation features in a real gateway", () => {
  test("group context: an unmentioned message reaches the model with the next mention; a quote of the bot is answered without an @", async () => {
    dev.sendAs("alice", "user:bot_a", "hello MARK-warm");
    // The first turn also warms the agent up (slow on a loaded machine).
    await replyFrom("alice", "ACK MARK-warm", 150_000);
    dev.sendAs("alina", "group:g1", "EARLIER-1 the build broke on main");
    dev.sendAs("alice", "group:g1", { text: "@Helper what do you think? MARK-ctx", atUserIDs: ["bot_a"] });
    const answered = await replyFrom("g1", "ACK MARK-ctx");
    const request = requestWith("MARK-ctx");
    expect(request?.messages.some((m) => textOf(m).includes("EARLIER-1"))).toBe(true);
    // The agent sees the group's name and the sender's nickname.
    expect(request?.messages.some((m) => textOf(m).includes("Team Room"))).toBe(true);
    expect(request?.messages.some((m) => textOf(m).includes("Alina (alina)"))).toBe(true);
    dev.sendAs("alice", "group:g1", { text: "why? MARK-q1", quoteClientMsgID: answered.clientMsgID });
    await replyFrom("g1", "ACK MARK-q1");
  });

  test("typing shows during a slow DM turn and is cleared after", async () => {
    const conversation = "si_alina_bot_a";
    dev.sendAs("alina", "user:bot_a", "take your time SLOW-t1");
    const shown = Date.now() + 60_000;
    while (!dev.inputStates(conversation).some((s) => s.focus) && Date.now() < shown)
      await new Promise((r) => setTimeout(r, 50));
    expect(dev.messagesFor("alina").some((m) => m.sendID === "bot_a" && m.recvID === "alina")).toBe(false);
    expect(dev.inputStates(conversation).map((s) => s.focus)).toContain(true);
    const reply = await replyFrom("alina", "ACK SLOW-t1");
    const cleared = Date.now() + 15_000;
    while (dev.inputStates(conversation).at(-1)?.focus !== false && Date.now() < cleared)
      await new Promise((r) => setTimeout(r, 50));
    const states = dev.inputStates(conversation);
    expect(states.at(-1)?.focus).toBe(false);
    expect(states.find((s) => s.focus)?.at ?? Infinity).toBeLessThan(reply.sendTime);
  });

  test("a voice message reaches the agent as audio; a voice reply arrives as a voice message", async () => {
    const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/note.mp3`;
    dev.sendAs("sam1", "user:bot_a", { sound: { url, duration: 4, size: 4096 } });
    const deadline = Date.now() + 60_000;
    while (!requestWith("[audio, 4 s]") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(requestWith("[audio, 4 s]")).toBeDefined();
    dev.sendAs("alice", "user:bot_a", "say it VOICE-1");
    const voice = await dev.waitForMessage(
      (m) => m.sendID === "bot_a" && m.recvID === "alice" && m.contentType === 103,
      60_000,
    );
    expect((voice.elem as { dataSize: number }).dataSize).toBe(5000);
  });

  test("openclaw directory finds Alice; message send by name reaches her, an ambiguous name is refused with the candidates", async () => {
    const [peers, byName] = await Promise.all([
      cli(
        "directory",
        "peers",
        "list",
        "--channel",
        "multi-openim",
        "--account",
        "a",
        "--query",
        "ali",
        "--json",
      ),
      cli(
        "message",
        "send",
        "--channel",
        "multi-openim",
        "--account",
        "a",
        "--target",
        "Alice",
        "-m",
        "MARK-name1",
      ),
    ]);
    expect(peers.code, `${peers.stdout}\n${peers.stderr}`).toBe(0);
    expect(peers.stdout).toContain('"user:alice"');
    expect(peers.stdout).toContain('"Alice"');
    expect(byName.code, `${byName.stdout}\n${byName.stderr}`).toBe(0);
    await replyFrom("alice", "MARK-name1");
    const ambiguous = await cli(
      "message",
      "send",
      "--channel",
      "multi-openim",
      "--account",
      "a",
      "--target",
      "Sam",
      "-m",
      "MARK-name2",
    );
    expect(ambiguous.code).not.toBe(0);
    expect(`${ambiguous.stdout}${ambiguous.stderr}`).toMatch(/user:sam1.*user:sam2|user:sam2.*user:sam1/s);
    expect(dev.messagesFor("sam1").some((m) => m.text.includes("MARK-name2"))).toBe(false);
  });

  test("openclaw message delete unsends the bot's message for the other side", async () => {
    const warm = dev
      .messagesFor("alice")
      .find((m) => m.sendID === "bot_a" && m.text.includes("ACK MARK-warm"));
    const deleted = await cli(
      "message",
      "delete",
      "--channel",
      "multi-openim",
      "--account",
      "a",
      "--target",
      "user:alice",
      "--message-id",
      warm?.serverMsgID ?? "",
    );
    expect(deleted.code, `${deleted.stdout}\n${deleted.stderr}`).toBe(0);
    expect(dev.messagesFor("alice").find((m) => m.clientMsgID === warm?.clientMsgID)?.revoked).toBe(true);
  });
});
