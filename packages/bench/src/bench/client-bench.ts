import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What the client package's own benchmark printed (bare SDK vs client, recovery after expiry). */
export interface ClientBenchResult {
  inbound: { bare: number; client: number; messages: number };
  outbound: { bare: number; client: number; sends: number };
  /** Process CPU time per message (µs), medians: the figure the machine's load does not move. */
  cpuUsPerMsg: {
    inbound: { bare: number; client: number };
    outbound: { bare: number; client: number };
  } | null;
  recovery: {
    rounds: number;
    expiryToConnected: { p50: number; p95: number };
    eventToConnected: { p50: number; p95: number };
  };
  raw: string;
}

const CHILD = fileURLToPath(new URL("./client-vs-bare.ts", import.meta.url));

/**
 * Runs ./client-vs-bare.ts in a child process (its own SDK instances, its own event loop) and reads its
 * printed lines, so the bare-SDK and client figures come from one place.
 */
export function runClientBench(env: {
  inbound: number;
  outbound: number;
  rounds: number;
  passes?: number;
}): Promise<ClientBenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: {
        ...process.env,
        BENCH_INBOUND: String(env.inbound),
        BENCH_OUTBOUND: String(env.outbound),
        BENCH_ROUNDS: String(env.rounds),
        ...(env.passes ? { BENCH_PASSES: String(env.passes) } : {}),
      },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 480_000); // a warm pass and the measured ones
    child.on("exit", (code) => {
      clearTimeout(timer);
      const inb = /inbound\s+\(msg\/s\)\s+bare SDK (\d+)\s+client (\d+)/.exec(out);
      const outb = /outbound \(msg\/s\)\s+bare SDK (\d+)\s+client (\d+)/.exec(out);
      const cpu =
        /cpu \(µs\/msg\)\s+inbound bare SDK (\d+) client (\d+)\s+outbound bare SDK (\d+) client (\d+)/.exec(
          out,
        );
      const rec = /expiry→connected p50 (\d+) p95 (\d+); token event→connected p50 (\d+) p95 (\d+)/.exec(out);
      if (code !== 0 || !inb || !outb || !rec) {
        reject(new Error(`[bench] client-bench.ts failed (exit ${code}):\n${out.slice(-1000)}`));
        return;
      }
      const n = (m: RegExpExecArray, i: number) => Number(m[i]);
      resolve({
        inbound: { bare: n(inb, 1), client: n(inb, 2), messages: env.inbound },
        outbound: { bare: n(outb, 1), client: n(outb, 2), sends: env.outbound },
        cpuUsPerMsg: cpu
          ? {
              inbound: { bare: n(cpu, 1), client: n(cpu, 2) },
              outbound: { bare: n(cpu, 3), client: n(cpu, 4) },
            }
          : null,
        recovery: {
          rounds: env.rounds,
          expiryToConnected: { p50: n(rec, 1), p95: n(rec, 2) },
          eventToConnected: { p50: n(rec, 3), p95: n(rec, 4) },
        },
        raw: out.trim(),
      });
    });
  });
}
