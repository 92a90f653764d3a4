import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import {
  freePort,
  freshToken,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawEnv,
  snapshotPlugin,
  startFakeModel,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import { percentile } from "../stats.ts";

export interface GatewayStart {
  runs: number;
  aloneMs: number[];
  withPluginMs: number[];
  alone: number;
  withPlugin: number;
  /** with the plugin − alone (medians). */
  deltaMs: number;
}

const READY = /\[gateway\] ready/;

/**
 * One headless gateway start, from spawn until OpenClaw logs `[gateway] ready`: the same config either
 * with this plugin and two accounts or with no plugin at all. `extraEnv` lets a caller profile it
 * (NODE_OPTIONS=--cpu-prof …).
 */
export async function startOnce(
  withPlugin: boolean,
  server: DevServer,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), "mo-gw-start-"));
  const model = await startFakeModel(() => ({ text: "ok" }));
  let gateway: GatewayProcess | undefined;
  try {
    const port = await freePort();
    const env = await openclawEnv(root, extraEnv);
    const pluginDir = await snapshotPlugin(root);
    const account = (id: string) => ({
      token: freshToken(server, id),
      wsAddr: server.wsAddr,
      apiAddr: server.apiAddr,
    });
    const config = gatewayConfig({
      port,
      modelBaseUrl: model.baseUrl,
      pluginDir,
      channel: { tokenRefresh: { mode: "off" }, accounts: { a: account("gs-a"), b: account("gs-b") } },
    });
    if (!withPlugin) {
      delete config.channels;
      config.plugins = { allow: [] };
    }
    await writeGatewayConfig(env.OPENCLAW_CONFIG_PATH as string, config);
    const [cmd, args] = gatewayRunArgs(port);
    const began = performance.now();
    gateway = new GatewayProcess(cmd, args, env);
    await gateway.waitFor(READY, 180_000);
    const ms = performance.now() - began;
    if (withPlugin) await gateway.waitFor(/\[multi-openim\] b: running/, 60_000);
    return ms;
  } catch (error) {
    if (gateway) (error as Error).message += `\n${gateway.output.slice(-3000)}`;
    throw error;
  } finally {
    if (process.env.BENCH_GATEWAY_LOG && gateway)
      await writeFile(process.env.BENCH_GATEWAY_LOG, gateway.output);
    await gateway?.stop();
    await model.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** The same headless gateway alone and with the plugin + two accounts, started in turn, `runs` times each. */
export async function gatewayStart(runs = 3): Promise<GatewayStart> {
  const server = await startDevServer();
  server.registerUser("gs-a");
  server.registerUser("gs-b");
  const aloneMs: number[] = [];
  const withPluginMs: number[] = [];
  try {
    // One warm-up start (not counted: the first start reads OpenClaw from a cold disk cache), then the
    // two in turn, the order alternating so neither always runs second.
    await startOnce(false, server);
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        aloneMs.push(await startOnce(false, server));
        withPluginMs.push(await startOnce(true, server));
      } else {
        withPluginMs.push(await startOnce(true, server));
        aloneMs.push(await startOnce(false, server));
      }
    }
  } finally {
    await server.close();
  }
  const alone = percentile(aloneMs, 50);
  const withPlugin = percentile(withPluginMs, 50);
  return { runs, aloneMs, withPluginMs, alone, withPlugin, deltaMs: withPlugin - alone };
}
