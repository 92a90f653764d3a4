import { spawn } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Spread, spread } from "../stats.ts";

/** The plugin's built entry, resolved as a user's program would resolve the package. */
export function pluginEntry(): string {
  return fileURLToPath(import.meta.resolve("multi-openim-channel"));
}

/** `before` is imported first, untimed (what the host has loaded already). */
function timeImport(url: string, before?: string): Promise<number> {
  // The child times only the import itself, so Node's own start-up is not in the figure.
  const pre = before ? `await import(${JSON.stringify(before)});` : "";
  const script = `${pre}const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t));process.exit(0)`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: dirname(pluginEntry()),
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
}

/**
 * Cold import of the plugin's dist, each in a fresh process: whole (with its openclaw/plugin-sdk import),
 * and after the host's channel-core is loaded already, as in a gateway.
 */
export async function coldImport(runs = 7): Promise<ImportCost> {
  const entry = pluginEntry();
  const url = import.meta.resolve("multi-openim-channel");
  // A bare specifier: the child runs in the plugin's folder, where openclaw is a (dev) dependency.
  const host = "openclaw/plugin-sdk/channel-core";
  const times: number[] = [];
  const afterHost: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(await timeImport(url));
    afterHost.push(await timeImport(url, host));
  }
  return { ...spread(times), entry, afterHost: spread(afterHost) };
}
