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

function runChild(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", CHILD], {
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(out);
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
      const out = await runChild({ ...process.env, BENCH_SCALE_ACCOUNTS: JSON.stringify(accounts) }, 180_000);
      const line = out.trim().split("\n").pop() ?? "";
      const r = JSON.parse(line || "{}") as {
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
