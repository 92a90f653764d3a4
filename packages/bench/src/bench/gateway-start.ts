import { readdirSync, readFileSync } from "node:fs";
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
  /**
   * CPU time (user + system) the gateway's processes used until ready, medians: much less inflated than
   * the wall time when other work shares the machine. Absent where /proc is not readable.
   */
  cpu?: { alone: number; withPlugin: number; compare?: number };
  /** The same row for another build of the plugin (`options.comparePluginDir`), started in the same turns. */
  compare?: { pluginDir: string; withPluginMs: number[]; withPlugin: number; deltaMs: number };
}

export interface StartResult {
  /** Spawn to `[gateway] ready`, wall time. */
  ms: number;
  /** CPU used by the gateway's process group until then (Linux only). */
  cpuMs?: number;
}

/** User + system CPU of every process in group `pgid` (with the reaped children of each), from /proc. */
function groupCpuMs(pgid: number): number | undefined {
  let ticks = 0;
  let found = false;
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)": state ppid pgrp … utime(14) stime(15) cutime(16) cstime(17), 1-based overall.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    found = true;
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  // Linux reports clock ticks of 1/100 s (USER_HZ).
  return found ? ticks * 10 : undefined;
}

/** The gateway's process group: the detached child of this process that leads its own group. */
function gatewayGroup(): number | undefined {
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === process.pid && Number(fields[2]) === Number(name)) return Number(name);
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
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
): Promise<StartResult> {
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
    const group = process.platform === "linux" ? gatewayGroup() : undefined;
    const cpuMs = group === undefined ? undefined : groupCpuMs(group);
    // Both configs must load the same plugins but ours, or the difference measures something else.
    const loaded = LISTENING.exec(gateway.output)?.[2]?.split(", ") ?? [];
    const expected = withPlugin ? [...ALWAYS_LOADED, "multi-openim-channel"] : ALWAYS_LOADED;
    if (loaded.sort().join() !== [...expected].sort().join())
      throw new Error(`[bench] the gateway loaded [${loaded.join(", ")}], expected [${expected.join(", ")}]`);
    if (withPlugin) await gateway.waitFor(/\[multi-openim\] b: running/, 60_000);
    return { ms, ...(cpuMs !== undefined ? { cpuMs } : {}) };
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
 * `pluginDir` replaces this workspace's build (a snapshot, so a rebuild during the run changes nothing);
 * `env` goes to every counted start (e.g. NODE_OPTIONS for CPU profiles).
 */
export async function gatewayStart(
  runs = 3,
  options: { comparePluginDir?: string; pluginDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<GatewayStart> {
  const server = await startDevServer();
  server.registerUser("gs-a");
  server.registerUser("gs-b");
  const alone: StartResult[] = [];
  const withPlugin: StartResult[] = [];
  const compared: StartResult[] = [];
  const compareDir = options.comparePluginDir;
  try {
    // One warm-up start (not counted: the first start reads OpenClaw from a cold disk cache), then each
    // config in turn, the order rotating so none always runs first.
    await startOnce(false, server);
    const env = options.env ?? {};
    const steps: (() => Promise<void>)[] = [
      async () => void alone.push(await startOnce(false, server, { env })),
      async () =>
        void withPlugin.push(
          await startOnce(true, server, {
            env,
            ...(options.pluginDir ? { pluginDir: options.pluginDir } : {}),
          }),
        ),
      ...(compareDir
        ? [async () => void compared.push(await startOnce(true, server, { env, pluginDir: compareDir }))]
        : []),
    ];
    for (let i = 0; i < runs; i++)
      for (let j = 0; j < steps.length; j++) await (steps[(i + j) % steps.length] as () => Promise<void>)();
  } finally {
    await server.close();
  }
  const wall = (results: StartResult[]) => results.map((r) => r.ms);
  const median = (values: number[]) => percentile(values, 50);
  const cpuOf = (results: StartResult[]) =>
    results.every((r) => r.cpuMs !== undefined) ? median(results.map((r) => r.cpuMs as number)) : undefined;
  const aloneMs = wall(alone);
  const withPluginMs = wall(withPlugin);
  const compareMs = wall(compared);
  const cpu = { alone: cpuOf(alone), withPlugin: cpuOf(withPlugin), compare: cpuOf(compared) };
  const compare = compareDir
    ? {
        pluginDir: compareDir,
        withPluginMs: compareMs,
        withPlugin: median(compareMs),
        deltaMs: median(compareMs) - median(aloneMs),
      }
    : undefined;
  return {
    runs,
    aloneMs,
    withPluginMs,
    alone: median(aloneMs),
    withPlugin: median(withPluginMs),
    deltaMs: median(withPluginMs) - median(aloneMs),
    ...(cpu.alone !== undefined && cpu.withPlugin !== undefined
      ? {
          cpu: {
            alone: cpu.alone,
            withPlugin: cpu.withPlugin,
            ...(compareDir && cpu.compare !== undefined ? { compare: cpu.compare } : {}),
          },
        }
      : {}),
    ...(compare ? { compare } : {}),
  };
}
