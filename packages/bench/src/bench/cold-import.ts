import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Spread, spread } from "../stats.ts";

/** The plugin's built entry, resolved as a user's program would resolve the package. */
export function pluginEntry(): string {
  return fileURLToPath(import.meta.resolve("multi-openim-channel"));
}

/** `before` is imported first, untimed (what the host has loaded already); the child runs in `cwd`. */
function timeImport(url: string, before?: string, cwd = dirname(pluginEntry())): Promise<number> {
  // The child times only the import itself, so Node's own start-up is not in the figure.
  const pre = before ? `await import(${JSON.stringify(before)});` : "";
  const script = `${pre}const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t));process.exit(0)`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0 && out) resolve(Number(out));
      else reject(new Error(`[bench] import of ${url} failed (exit ${code}): ${err.slice(-500)}`));
    });
  });
}

export interface ImportCost extends Spread {
  entry: string;
  /** The import after openclaw/plugin-sdk/channel-core is loaded: what a gateway pays for the plugin. */
  afterHost: Spread;
  /** The same after-host import of another build (`comparePluginDir`), timed in the same turns. */
  compare?: { entry: string; afterHost: Spread };
}

// A bare specifier: the child runs in the plugin's folder, where openclaw is a (dev) dependency.
const HOST = "openclaw/plugin-sdk/channel-core";

/**
 * Cold import of the plugin's dist, each in a fresh process: whole (with its openclaw/plugin-sdk import),
 * and after the host's channel-core is loaded already, as in a gateway. `comparePluginDir` (a plugin
 * package folder whose node_modules resolves openclaw, e.g. main's build before a change) is timed after
 * the host too, in turn with this build.
 */
export async function coldImport(runs = 7, comparePluginDir?: string): Promise<ImportCost> {
  const entry = pluginEntry();
  const url = import.meta.resolve("multi-openim-channel");
  const other = comparePluginDir ? join(resolve(comparePluginDir), "dist", "index.mjs") : undefined;
  const times: number[] = [];
  const afterHost: number[] = [];
  const otherAfterHost: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(await timeImport(url));
    afterHost.push(await timeImport(url, HOST));
    if (other)
      otherAfterHost.push(await timeImport(pathToFileURL(other).href, HOST, dirname(dirname(other))));
  }
  return {
    ...spread(times),
    entry,
    afterHost: spread(afterHost),
    ...(other ? { compare: { entry: other, afterHost: spread(otherAfterHost) } } : {}),
  };
}

// On its own: node packages/bench/src/bench/cold-import.ts [runs=7] [--compare <plugin dir>]
if (import.meta.main) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--compare");
  const runs = Number(args.find((a, i) => /^\d+$/.test(a) && i !== at + 1) ?? 7);
  const r = await coldImport(runs, at >= 0 ? args[at + 1] : undefined);
  const show = (s: Spread) => `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms`;
  console.log(`import after ${HOST} (${r.n} fresh processes each, in turn; goal p50 ≤ 100 ms):`);
  console.log(`  ${r.entry}: ${show(r.afterHost)}`);
  if (r.compare) console.log(`  ${r.compare.entry}: ${show(r.compare.afterHost)}`);
  console.log(`whole import (with the SDK's channel-core) of ${r.entry}: ${show(r)}`);
}
