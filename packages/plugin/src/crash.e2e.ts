import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import {
  type ChatMessage,
  freePort,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawEnv,
  readJournalFile,
  snapshotPlugin,
  startFakeModel,
  textOf,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { journalPath } from "./gateway.js";

/**
 * kill -9 mid-reply: a real gateway is SIGKILLed while the model is still answering a message; after
 * a restart the message is answered exactly once (OpenClaw re-runs the interrupted turn itself; the
 * plugin's journal keeps it from being dispatched a second time), counted on the devserver.
 */
let root = "";
let dev: DevServer;
let model: Awaited<ReturnType<typeof startFakeModel>>;
let env: NodeJS.ProcessEnv;
let port = 0;
const gateways: GatewayProcess[] = [];
const crashCalls = { count: 0 };

function answer(messages: ChatMessage[]) {
  const index = messages.findLastIndex((m) => m.role === "user" && /(MARK|CRASH)-\w+/.test(textOf(m)));
  if (index < 0) return { text: "ACK nothing" };
  const text = textOf(messages[index] as ChatMessage);
  const crash = /CRASH-\w+/.exec(text)?.[0];
  if (crash) {
    crashCalls.count += 1;
    // The first time the turn hangs mid-reply; the gateway is killed while it does.
    if (crashCalls.count === 1) return { hang: true as const };
    return { text: `ACK ${crash}` };
  }
  return { text: `ACK ${/MARK-\w+/.exec(text)?.[0]}` };
}

function startGateway(): GatewayProcess {
  const [cmd, args] = gatewayRunArgs(port);
  const gateway = new GatewayProcess(cmd, args, env);
  gateways.push(gateway);
  return gateway;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mo-crash-"));
  dev = await startDevServer();
  dev.registerUser("bot_a", { nickname: "bot_a" });
  dev.registerUser("alice", { nickname: "Alice" });
  model = await startFakeModel(answer);
  const pluginDir = await snapshotPlugin(root);
  port = await freePort();
  env = await openclawEnv(root);
  const config = gatewayConfig({
    port,
    modelBaseUrl: model.baseUrl,
    pluginDir,
    channel: {
      dmPolicy: "open",
      accounts: { a: { token: dev.mintToken("bot_a"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } },
    },
  });
  await writeGatewayConfig(env.OPENCLAW_CONFIG_PATH as string, config);
  await startGateway().waitFor(/\[multi-openim\] a: running/, 170_000);
}, 240_000);

afterAll(async () => {
  for (const g of gateways) await g.stop();
  if (process.env.MO_E2E_LOG)
    await writeFile(process.env.MO_E2E_LOG, gateways.map((g) => g.output).join("\n\n=====\n\n"));
  await Promise.all([dev?.close(), model?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

const replies = (text: string) =>
  dev.messagesFor("alice").filter((m) => m.sendID === "bot_a" && m.text.includes(text));

test("kill -9 between receiving a message and finishing the reply: answered exactly once after the restart", async () => {
  dev.sendAs("alice", "user:bot_a", "warm up MARK-warm");
  await dev.waitForMessage((m) => m.sendID === "bot_a" && m.text.includes("ACK MARK-warm"), 150_000);

  dev.sendAs("alice", "user:bot_a", "please answer CRASH-1");
  const deadline = Date.now() + 120_000;
  while (crashCalls.count < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(crashCalls.count).toBe(1);
  const first = gateways[0] as GatewayProcess;
  await first.kill9();
  const killedAt = Date.now();
  const journal = await readJournalFile(journalPath(env.OPENCLAW_STATE_DIR as string, "a"));
  // The turn was handed to OpenClaw before the kill: recovery is OpenClaw's, not ours.
  expect([...journal.values()].some((e) => e.state === "dispatched")).toBe(true);
  expect(replies("ACK CRASH-1")).toEqual([]);

  const second = startGateway();
  await second.waitFor(/\[multi-openim\] a: running/, 170_000);
  const reply = await dev.waitForMessage(
    (m) => m.sendID === "bot_a" && m.text.includes("ACK CRASH-1"),
    150_000,
  );
  const answeredMs = Date.now() - killedAt;
  // Give a second answer (ours or a replay) every chance to show up.
  await new Promise((r) => setTimeout(r, 8000));
  expect(replies("ACK CRASH-1")).toHaveLength(1);
  expect(reply.recvID).toBe("alice");
  console.log(
    `[numbers] kill -9 → answered once ${answeredMs} ms after the kill; model called ${crashCalls.count}x for CRASH-1; ` +
      `orphan recovery logged: ${/startup-orphaned|interrupted main session/.test(second.output)}`,
  );
});
