import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { accountOn } from "@multi-openim/testkit";

export interface ScaleResult {
  accounts: number;
  servers: number;
  connected: number;
  connectedMs: number;
  rssPerAccountMiB: number;
  rssBaselineMiB: number;
  /** Event-loop lag p99 while the accounts connected. */
  connectLagP99Ms: number;
  /** After all servers restarted: accounts back, time until the last was, the most back in any 100 ms, lag p99. */
  storm?: {
    reconnected: number;
    allBackMs: number;
    maxPer100ms: number;
    lagP99Ms: number;
    /** The same figure in an idle process running meanwhile: what this machine's other load alone costs. */
    idleLagP99Ms?: number;
  };
}

const CHILD = fileURLToPath(new URL("./scale-child.ts", import.meta.url));

// A process with nothing to do, measuring its own event-loop lag until told to stop: the control for
// the storm's lag on a shared machine (a 2-core box with other work on it delays any process).
const IDLE = `const { monitorEventLoopDelay } = require("node:perf_hooks");
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on("message", () => { process.send(h.percentile(99) / 1e6, () => process.exit(0)); });`;

function idleControl(): { stop: () => Promise<number | undefined>; kill: () => void } {
  const child = fork("-e", [IDLE], { execArgv: [], stdio: ["ignore", "ignore", "ignore", "ipc"] });
  const result = new Promise<number | undefined>((resolve) => {
    child.once("message", (ms) => resolve(Number(ms)));
    child.once("exit", () => resolve(undefined));
  });
  return {
    stop: () => {
      child.send("stop");
      return result;
    },
    kill: () => child.kill("SIGKILL"),
  };
}

interface Connected {
  connected: number;
  connectedMs: number;
  rssBefore: number;
  rssAfter: number;
  connectLagP99: number;
}
interface Storm {
  reconnected: number;
  allBackMs: number;
  maxPer100ms: number;
  stormLagP99: number;
  idleLagP99?: number;
}

/** One child for `n` accounts: connect, report, then the reconnect storm after `restart()`. */
function runChild(accounts: unknown[], restart: () => Promise<void>, timeoutMs: number) {
  return new Promise<{ up: Connected; storm?: Storm }>((resolve, reject) => {
    const execArgv = [
      "--expose-gc",
      ...(process.env.BENCH_SCALE_PROF
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SCALE_PROF}`]
        : []),
    ];
    const child = fork(CHILD, [], { execArgv, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    child.send({ accounts });
    let err = "";
    let up: Connected | undefined;
    let control: ReturnType<typeof idleControl> | undefined;
    let stormSeen = false;
    child.stderr?.on("data", (d) => (err = (err + d).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("message", (message: { type: string } & Connected & Storm) => {
      if (message.type === "connected") {
        up = message;
        control = idleControl();
        child.send({ type: "restarting" });
        void restart();
      } else if (message.type === "storm" && up) {
        stormSeen = true;
        const connected = up;
        void (control?.stop() ?? Promise.resolve(undefined)).then((idleLagP99) =>
          resolve({ up: connected, storm: { ...message, idleLagP99 } }),
        );
      }
    });
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(timer);
      if (stormSeen) return; // resolved once the control answers
      control?.kill();
      if (up) resolve({ up });
      else reject(new Error(`[bench] the scale child exited without a result:\n${err}`));
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
        accountOn(servers[i % serverCount]!, `scale-${n}-${i}`),
      );
      const restart = async () => {
        await Promise.all(servers.map((s) => s.restart()));
      };
      const { up, storm } = await runChild(accounts, restart, 240_000);
      results.push({
        accounts: n,
        servers: Math.min(n, serverCount),
        connected: up.connected,
        connectedMs: up.connectedMs,
        rssPerAccountMiB: (up.rssAfter - up.rssBefore) / n / 2 ** 20,
        rssBaselineMiB: up.rssBefore / 2 ** 20,
        connectLagP99Ms: up.connectLagP99,
        ...(storm
          ? {
              storm: {
                reconnected: storm.reconnected,
                allBackMs: storm.allBackMs,
                maxPer100ms: storm.maxPer100ms,
                lagP99Ms: storm.stormLagP99,
                ...(storm.idleLagP99 !== undefined ? { idleLagP99Ms: storm.idleLagP99 } : {}),
              },
            }
          : {}),
      });
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  return results;
}
