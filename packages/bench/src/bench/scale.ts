import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { botAccount } from "../fixtures.ts";

export interface ScaleResult {
  accounts: number;
  servers: number;
  connected: number;
  connectedMs: number;
  rssPerAccountMiB: number;
  rssBaselineMiB: number;
}

const CHILD = fileURLToPath(new URL("./scale-child.ts", import.meta.url));

function runChild(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", CHILD], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err = (err + d).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve({ out, err });
    });
  });
}

/** N accounts spread round-robin over the servers, hosted by a fresh child process per N. */
export async function benchScale(counts: readonly number[], serverCount = 5): Promise<ScaleResult[]> {
  const servers: DevServer[] = await Promise.all(Array.from({ length: serverCount }, () => startDevServer()));
  const results: ScaleResult[] = [];
  try {
    for (const n of counts) {
      const accounts = Array.from({ length: n }, (_, i) =>
        botAccount(servers[i % serverCount]!, `scale-${n}-${i}`),
      );
      const env = { ...process.env, BENCH_SCALE_ACCOUNTS: JSON.stringify(accounts) };
      let run = await runChild(env, 180_000);
      // One retry: on a shared tree a sibling package's dist can be mid-rebuild when the child imports it.
      if (!run.out.trim()) run = await runChild(env, 180_000);
      if (!run.out.trim()) throw new Error(`[bench] the ${n}-account child printed nothing:\n${run.err}`);
      const line = run.out.trim().split("\n").pop() ?? "";
      const r = JSON.parse(line) as {
        connected: number;
        connectedMs: number;
        rssBefore: number;
        rssAfter: number;
      };
      results.push({
        accounts: n,
        servers: Math.min(n, serverCount),
        connected: r.connected ?? 0,
        connectedMs: r.connectedMs ?? Number.NaN,
        rssPerAccountMiB: (r.rssAfter - r.rssBefore) / n / 2 ** 20,
        rssBaselineMiB: r.rssBefore / 2 ** 20,
      });
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  return results;
}
