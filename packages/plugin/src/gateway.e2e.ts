import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import {
  type ChatMessage,
  freePort,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawArgs,
  openclawEnv,
  runCommand,
  snapshotPlugin,
  startFakeModel,
  startRefreshServer,
  textOf,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import JSON5 from "json5";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The plugin in a real headless OpenClaw gateway: two accounts on two devservers, a scripted
 * OpenAI-compatible model (answers "ACK MARK-x" to a message carrying MARK-x, and calls
 * multi_openim_send_text for TOOLCALL-x), a token refresh endpoint. Everything on loopback.
 */

/**
 * The scripted model. OpenClaw wraps the user's text and appends an internal-context user message,
 * so it reads the newest user message carrying a marker; a tool result after it ends the tool turn.
 */
function answer(messages: ChatMessage[]) {
  const index = messages.findLastIndex((m) => m.role === "user" && /(MARK|TOOLCALL)-\w+/.test(textOf(m)));
  if (index < 0) return { text: "ACK nothing" };
  const text = textOf(messages[index] as ChatMessage);
  const tool = /TOOLCALL-(\w+)/.exec(text);
  if (tool) {
    if (messages.slice(index + 1).some((m) => m.role === "tool")) return { text: "ACK tool done" };
    return {
      toolCall: {
        name: "multi_openim_send_text",
        arguments: { accountId: "b", to: "user:alice", text: `MARK-tool-${tool[1]}` },
      },
    };
  }
  return { text: `ACK ${/MARK-\w+/.exec(text)?.[0]}` };
}

let root = "";
let devA: DevServer;
let devB: DevServer;
let model: Awaited<ReturnType<typeof startFakeModel>>;
let refresh: Awaited<ReturnType<typeof startRefreshServer>>;
let gateway: GatewayProcess | undefined;
let env: NodeJS.ProcessEnv;
let configPath = "";
const tokenA = { first: "" };

const replyFrom = (dev: DevServer, from: string, to: string, text: string, timeoutMs = 60_000) =>
  dev.waitForMessage(
    (m) => m.sendID === from && (m.recvID === to || m.groupID === to) && m.text.includes(text),
    timeoutMs,
  );
const modelSaw = (marker: string) =>
  model.requests.some((r) => r.messages.some((m) => textOf(m).includes(marker)));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mo-gateway-"));
  [devA, devB] = await Promise.all([startDevServer(), startDevServer()]);
  for (const [dev, bot] of [
    [devA, "bot_a"],
    [devB, "bot_b"],
  ] as const) {
    dev.registerUser(bot, { nickname: bot });
    dev.registerUser("alice", { nickname: "Alice" });
  }
  devB.registerUser("mallory");
  devA.createGroup("g1", ["bot_a", "alice"]);
  model = await startFakeModel(answer);
  refresh = await startRefreshServer((accountId) => {
    if (accountId === "a") return devA.mintToken("bot_a");
    if (accountId === "b") return devB.mintToken("bot_b");
    throw new Error("unknown account");
  });
  tokenA.first = devA.mintToken("bot_a");
  const pluginDir = await snapshotPlugin(root);
  const port = await freePort();
  env = await openclawEnv(root);
  configPath = env.OPENCLAW_CONFIG_PATH as string;
  const config = gatewayConfig({
    port,
    modelBaseUrl: model.baseUrl,
    pluginDir,
    channel: {
      tokenRefresh: { mode: "http", http: { endpoint: refresh.endpoint, responseTokenPath: "token" } },
      // 0.1.0's open DMs; admission has its own e2e (access.e2e.ts).
      dmPolicy: "open",
      // 0.1.0's groups: an unmentioned message never reaches the model (group context has its own e2e).
      historyLimit: 0,
      accounts: {
        // The tool test below sends as b from a turn on a: the operator's switch allows it.
        a: { token: tokenA.first, wsAddr: devA.wsAddr, apiAddr: devA.apiAddr, tools: { crossAccount: true } },
        b: {
          token: devB.mintToken("bot_b"),
          wsAddr: devB.wsAddr,
          apiAddr: devB.apiAddr,
          inboundWhitelist: ["alice"],
        },
      },
    },
  });
  await writeGatewayConfig(configPath, config);
  const [cmd, args] = gatewayRunArgs(port);
  gateway = new GatewayProcess(cmd, args, env);
  // ~10 s on an idle machine; much longer on a loaded shared one.
  await gateway.waitFor(/\[multi-openim\] a: running/, 170_000);
  await gateway.waitFor(/\[multi-openim\] b: running/, 30_000);
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  // For debugging a failure: MO_E2E_LOG=<file> keeps the gateway's output and what the model was sent.
  if (process.env.MO_E2E_LOG && gateway) {
    await writeFile(
      process.env.MO_E2E_LOG,
      `${gateway.output}\n\n${JSON.stringify(model.requests, null, 1)}`,
    );
  }
  await Promise.all([devA?.close(), devB?.close(), model?.close(), refresh?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe("multi-openim in a real gateway", () => {
  test("a DM is answered by the account it came to; same peer on two accounts never shares a session", async () => {
    devA.sendAs("alice", "user:bot_a", "hello MARK-dm1");
    // The first turn also warms the agent up (slow on a loaded machine).
    await replyFrom(devA, "bot_a", "alice", "ACK MARK-dm1", 150_000);
    devB.sendAs("alice", "user:bot_b", "hello MARK-dm2");
    await replyFrom(devB, "bot_b", "alice", "ACK MARK-dm2");
    expect(devB.messagesFor("alice").some((m) => m.text.includes("MARK-dm1"))).toBe(false);
    // Same peer id "alice" on both accounts: the second turn must not carry the first one's history.
    const dm2 = model.requests.find((r) => r.messages.some((m) => textOf(m).includes("MARK-dm2")));
    expect(dm2?.messages.some((m) => textOf(m).includes("MARK-dm1"))).toBe(false);
  });

  test("groups: ignored without a mention, answered with one; a sender outside the whitelist is ignored", async () => {
    devA.sendAs("alice", "group:g1", "MARK-g1 nobody mentioned");
    devA.sendAs("alice", "group:g1", { text: "@bot_a MARK-g2", atUserIDs: ["bot_a"] });
    await replyFrom(devA, "bot_a", "g1", "ACK MARK-g2");
    devB.sendAs("mallory", "user:bot_b", "MARK-w1 let me in");
    devB.sendAs("alice", "user:bot_b", "MARK-w2 I am listed");
    await replyFrom(devB, "bot_b", "alice", "ACK MARK-w2");
    expect(modelSaw("MARK-g1")).toBe(false);
    expect(modelSaw("MARK-w1")).toBe(false);
    expect(devB.messagesFor("mallory").filter((m) => m.sendID === "bot_b")).toEqual([]);
  });

  test("one account's token expires: it refreshes and recovers, the other never reconnects, nothing restarts", async () => {
    const before = { ...devB.counters };
    devA.expireToken("bot_a");
    const deadline = Date.now() + 60_000;
    while (!refresh.calls.includes("a") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(refresh.calls).toContain("a");
    devA.sendAs("alice", "user:bot_a", "back? MARK-dm3");
    await replyFrom(devA, "bot_a", "alice", "ACK MARK-dm3");
    expect(devB.counters.logins).toBe(before.logins);
    expect(devB.counters.connectionsTotal).toBe(before.connectionsTotal);
    expect(refresh.calls).not.toContain("b");
    // Persisted through OpenClaw's writer without a reload: each account started exactly once.
    const saved = JSON5.parse(await readFile(configPath, "utf8"));
    expect(saved.channels["multi-openim"].accounts.a.token).not.toBe(tokenA.first);
    expect(gateway?.count(/\[multi-openim\] a: running/)).toBe(1);
    expect(gateway?.count(/\[multi-openim\] b: running/)).toBe(1);
    expect(gateway?.output).not.toContain(tokenA.first);
  });

  test("openclaw message send delivers through the gateway's connected account; no account, no send", async () => {
    const send = (...extra: string[]) => {
      const [cmd, args] = openclawArgs(
        "message",
        "send",
        "--channel",
        "multi-openim",
        "--target",
        "user:alice",
        ...extra,
      );
      // Each CLI run loads OpenClaw and the plugin: ~15 s idle, far more on a loaded machine.
      return runCommand(cmd, args, { env, timeoutMs: 180_000 });
    };
    const logins = devA.counters.logins;
    // Both CLI runs at once: each one loads OpenClaw and the plugin (slow), neither needs the other.
    const [sent, refused] = await Promise.all([
      send("--account", "a", "-m", "MARK-send1"),
      send("-m", "MARK-send2"),
    ]);
    expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
    await replyFrom(devA, "bot_a", "alice", "MARK-send1");
    // Delivered by the gateway's connected account ("gateway" delivery), not by a second login from the CLI.
    expect(devA.counters.logins).toBe(logins);
    expect(refused.code).not.toBe(0);
    // What to do, without the error's class name (issue 23).
    expect(`${refused.stdout}${refused.stderr}`).toContain(
      'accountId is required (no default fallback): pass --account one of "a", "b"',
    );
    expect(`${refused.stdout}${refused.stderr}`).not.toContain("MultiOpenimError");
    expect(devA.messagesFor("alice").some((m) => m.text.includes("MARK-send2"))).toBe(false);
  });

  test("the model calls multi_openim_send_text and the message arrives from the named account", async () => {
    devA.sendAs("alice", "user:bot_a", "please TOOLCALL-t1");
    await replyFrom(devB, "bot_b", "alice", "MARK-tool-t1", 120_000);
    await replyFrom(devA, "bot_a", "alice", "ACK tool done", 120_000);
  });
});
