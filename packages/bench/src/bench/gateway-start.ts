import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
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
  PLUGIN_DIR,
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
  /** The same row for another build of the plugin (`options.comparePluginDir`), started in the same turns. */
  compare?: { pluginDir: string; withPluginMs: number[]; withPlugin: number; deltaMs: number };
}

export interface StartOptions {
  /** Extra environment for the gateway (e.g. NODE_OPTIONS=--cpu-prof …). */
  env?: NodeJS.ProcessEnv;
  /** A plugin package folder (dist, package.json, openclaw.plugin.json); default this workspace's build. */
  pluginDir?: string;
}

const READY = /\[gateway\] ready/;
/** OpenClaw's own summary, e.g. "http server listening (2 plugins: memory-core, multi-openim-channel; 15.2s)". */
const LISTENING = /http server listening \((\d+) plugins?: ([^;]*);/;
/** The plugins OpenClaw loads whatever the allow list says (the memory slot's default). */
const ALWAYS_LOADED = ["memory-core"];

/**
 * A snapshot of a built plugin package in `root/plugin` (OpenClaw refuses to reload a plugin whose folder
 * changes under it): its dist and manifests, with this workspace's node_modules linked as its dependencies.
 */
async function snapshotPluginFrom(root: string, source: string): Promise<string> {
  const pluginDir = join(root, "plugin");
  await mkdir(pluginDir);
  await cp(join(source, "dist"), join(pluginDir, "dist"), { recursive: true });
  for (const file of ["package.json", "openclaw.plugin.json"])
    await cp(join(source, file), join(pluginDir, file));
  await symlink(join(PLUGIN_DIR, "node_modules"), join(pluginDir, "node_modules"));
  return pluginDir;
}

/**
 * One headless gateway start, from spawn until OpenClaw logs `[gateway] ready`: the same config either
 * with this plugin and two accounts or without it. Without it, the allow list keeps the other loaded
 * plugins the same (OpenClaw's memory plugin only): an empty list would load every bundled plugin.
 */
export async function startOnce(
  withPlugin: boolean,
  server: DevServer,
  options: StartOptions = {},
): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), "mo-gw-start-"));
  const model = await startFakeModel(() => ({ text: "ok" }));
  let gateway: GatewayProcess | undefined;
  try {
    const port = await freePort();
    const env = await openclawEnv(root, options.env ?? {});
    const pluginDir = await snapshotPluginFrom(root, options.pluginDir ?? PLUGIN_DIR);
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
      config.plugins = { allow: [...ALWAYS_LOADED] };
    }
    await writeGatewayConfig(env.OPENCLAW_CONFIG_PATH as string, config);
    const [cmd, args] = gatewayRunArgs(port);
    const began = performance.now();
    gateway = new GatewayProcess(cmd, args, env);
    await gateway.waitFor(READY, 180_000);
    const ms = performance.now() - began;
    // Both configs must load the same plugins but ours, or the difference measures something else.
    const loaded = LISTENING.exec(gateway.output)?.[2]?.split(", ") ?? [];
    const expected = withPlugin ? [...ALWAYS_LOADED, "multi-openim-channel"] : ALWAYS_LOADED;
    if (loaded.sort().join() !== [...expected].sort().join())
      throw new Error(`[bench] the gateway loaded [${loaded.join(", ")}], expected [${expected.join(", ")}]`);
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

/**
 * The same headless gateway alone and with the plugin + two accounts, started in turn, `runs` times each;
 * with `comparePluginDir`, also with that build of the plugin in every turn (before / after a change).
 */
export async function gatewayStart(
  runs = 3,
  options: { comparePluginDir?: string } = {},
): Promise<GatewayStart> {
  const server = await startDevServer();
  server.registerUser("gs-a");
  server.registerUser("gs-b");
  const aloneMs: number[] = [];
  const withPluginMs: number[] = [];
  const compareMs: number[] = [];
  const compareDir = options.comparePluginDir;
  try {
    // One warm-up start (not counted: the first start reads OpenClaw from a cold disk cache), then each
    // config in turn, the order rotating so none always runs first.
    await startOnce(false, server);
    const steps: (() => Promise<void>)[] = [
      async () => void aloneMs.push(await startOnce(false, server)),
      async () => void withPluginMs.push(await startOnce(true, server)),
      ...(compareDir
        ? [async () => void compareMs.push(await startOnce(true, server, { pluginDir: compareDir }))]
        : []),
    ];
    for (let i = 0; i < runs; i++)
      for (let j = 0; j < steps.length; j++) await (steps[(i + j) % steps.length] as () => Promise<void>)();
  } finally {
    await server.close();
  }
  const alone = percentile(aloneMs, 50);
  const withPlugin = percentile(withPluginMs, 50);
  const compare = compareDir
    ? {
        pluginDir: compareDir,
        withPluginMs: compareMs,
        withPlugin: percentile(compareMs, 50),
        deltaMs: percentile(compareMs, 50) - alone,
      }
    : undefined;
  return {
    runs,
    aloneMs,
    withPluginMs,
    alone,
    withPlugin,
    deltaMs: withPlugin - alone,
    ...(compare ? { compare } : {}),
  };
}
