import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Spread, spread } from "../stats.ts";

/** The plugin's built entry, resolved as a user's program would resolve the package. */
export function pluginEntry(): string {
  return fileURLToPath(import.meta.resolve("multi-openim-channel"));
}

function timeImport(url: string): Promise<number> {
  // The child times only the import itself, so Node's own start-up is not in the figure.
  const script = `const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t));process.exit(0)`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
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

/** Cold import of the plugin's dist (with its openclaw/plugin-sdk import), each in a fresh process. */
export async function coldImport(runs = 7): Promise<Spread & { entry: string }> {
  const entry = pluginEntry();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeImport(import.meta.resolve("multi-openim-channel")));
  return { ...spread(times), entry };
}
