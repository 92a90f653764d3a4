import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import {
  freePort,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawArgs,
  openclawEnv,
  runCommand,
  snapshotPlugin,
  startFakeModel,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * kill -9 while `openclaw message send` is in flight: OpenClaw keeps the send in its durable outbound
 * queue ("attempt started"), and after the restart its recovery asks the channel (reconcileUnknownSend)
 * instead of refusing a blind replay. A send the server had stored is not sent again; one it never got
 * is replayed; each arrives exactly once, counted on the devserver.
 */
let root = "";
let dev: DevServer;
let model: Awaited<ReturnType<typeof startFakeModel>>;
let env: NodeJS.ProcessEnv;
let port = 0;
const gateways: GatewayProcess[] = [];
const cli: Promise<unknown>[] = [];

function startGateway(): GatewayProcess {
  const [cmd, args] = gatewayRunArgs(port);
  const gateway = new GatewayProcess(cmd, args, env);
  gateways.push(gateway);
  return gateway;
}

/** `openclaw message send` through the gateway; it fails when the gateway dies under it (expected here). */
function messageSend(text: string) {
  const [cmd, args] = openclawArgs(
    "message",
    "send",
    "--channel",
    "multi-openim",
    "--account",
    "a",
    "--target",
    "user:alice",
    "-m",
    text,
  );
  const run = runCommand(cmd, args, { env, timeoutMs: 180_000 });
  cli.push(run.catch(() => undefined));
  return run;
}

const copies = (text: string) =>
  dev.messagesFor("alice").filter((m) => m.sendID === "bot_a" && m.text === text);
const sends = () => dev.counters.requests["ws:1003"] ?? 0;

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mo-outbound-recovery-"));
  dev = await startDevServer();
  dev.registerUser("bot_a", { nickname: "bot_a" });
  dev.registerUser("alice", { nickname: "Alice" });
  model = await startFakeModel(() => ({ text: "ACK" }));
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
  // The first send to a peer asks the server about it (REST): done here, before any latency is set.
  const warm = await messageSend("OUT-warm");
  expect(warm.code, `${warm.stdout}\n${warm.stderr}`).toBe(0);
  expect(copies("OUT-warm")).toHaveLength(1);
}, 400_000);

afterAll(async () => {
  dev?.setLatency(0);
  for (const g of gateways) await g.stop();
  await Promise.all(cli);
  if (process.env.MO_E2E_LOG)
    await writeFile(process.env.MO_E2E_LOG, gateways.map((g) => g.output).join("\n\n=====\n\n"));
  await Promise.all([dev?.close(), model?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

async function restartAfterKill(): Promise<GatewayProcess> {
  await (gateways.at(-1) as GatewayProcess).kill9();
  dev.setLatency(0);
  const next = startGateway();
  await next.waitFor(/\[multi-openim\] a: running/, 170_000);
  return next;
}

test("stored by the server, the answer still on its way at the kill: after the restart 'sent', not sent again", async () => {
  // The server stores a send at once and answers it only after a minute.
  dev.setLatency(60_000);
  void messageSend("OUT-stored");
  await dev.waitForMessage((m) => m.sendID === "bot_a" && m.text === "OUT-stored", 150_000);
  const gateway = await restartAfterKill();
  await gateway.waitFor(/reconciled \w+ as already sent/, 150_000);
  // Give a replay every chance to show up.
  await new Promise((r) => setTimeout(r, 8000));
  expect(copies("OUT-stored")).toHaveLength(1);
  expect(gateway.output).not.toMatch(/refusing blind replay/);
});

test("lost with the connection before the server stored it, the gateway killed while it waited: replayed once", async () => {
  // The send reaches the server, is not stored, the socket is cut; the reconnect that would settle it
  // hangs on a slow server until the gateway dies.
  dev.setLatency(60_000);
  dev.dropOnNextSend("bot_a", { store: false });
  const before = sends();
  void messageSend("OUT-lost");
  await until(() => sends() > before, 150_000, "the send to reach the server");
  await new Promise((r) => setTimeout(r, 1500));
  expect(copies("OUT-lost")).toHaveLength(0);
  const gateway = await restartAfterKill();
  await gateway.waitFor(/reconciled send_attempt_started as not sent; replaying/, 150_000);
  await dev.waitForMessage((m) => m.sendID === "bot_a" && m.text === "OUT-lost", 150_000);
  await new Promise((r) => setTimeout(r, 8000));
  expect(copies("OUT-lost")).toHaveLength(1);
});
