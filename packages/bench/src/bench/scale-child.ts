// A fresh process (forked, with IPC) that hosts N accounts with the client's AccountPool: reports how
// long until all were connected, what they cost in RSS, the event-loop lag while they connected; then,
// when the parent restarts the servers, how the reconnect storm went (spread, lag, time until all back).
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { AccountPool } from "@multi-openim/client";
import type { ResolvedAccount } from "@multi-openim/core";

// Over IPC: a thousand accounts' tokens do not fit in an environment (E2BIG).
const accounts = await new Promise<ResolvedAccount[]>((resolve) =>
  process.once("message", (m: { accounts: ResolvedAccount[] }) => resolve(m.accounts)),
);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const settle = async () => {
  gc();
  await new Promise((r) => setTimeout(r, 300));
  gc();
};
const send = (message: object) => process.send?.(message);
const lag = monitorEventLoopDelay({ resolution: 10 });
const lagP99 = () => lag.percentile(99) / 1e6;

await settle();
const rssBefore = process.memoryUsage().rss;
const pool = new AccountPool({
  tokenRefresher: {
    refresh: async () => ({
      ok: false,
      code: "REFRESH_DISABLED",
      message: "",
      markerPath: "",
      retryable: false,
    }),
  },
});
// Connected flags kept from status events: polling a thousand status snapshots would itself be the lag.
const connected = new Map<string, boolean>();
const reconnectedAt: number[] = [];
let stormStartedAt = 0;
const watch = () => {
  for (const id of pool.ids())
    pool.get(id)?.on("status", (s) => {
      const was = connected.get(id) ?? false;
      connected.set(id, s.connected);
      if (stormStartedAt && s.connected && !was) reconnectedAt.push(Date.now() - stormStartedAt);
    });
};
const allConnected = () => [...connected.values()].filter(Boolean).length === accounts.length;
const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};

lag.enable();
const started = performance.now();
const starting = pool.start(accounts);
watch();
await starting;
await until(allConnected, 120_000);
const connectedMs = performance.now() - started;
const connectLagP99 = lagP99();
// The logins' syncs and catch-ups go on after OnConnectSuccess (at 1,000 accounts, seconds of REST calls):
// the restart waits until the loop is quiet, or the storm's figures would carry the tail of the connect.
const quiet = async (maxMs: number) => {
  const end = Date.now() + maxMs;
  let last = performance.eventLoopUtilization();
  do {
    await new Promise((r) => setTimeout(r, 500));
    const now = performance.eventLoopUtilization();
    if (performance.eventLoopUtilization(now, last).utilization < 0.2) return;
    last = now;
  } while (Date.now() < end);
};
await new Promise((r) => setTimeout(r, 1000));
await quiet(30_000);
await settle();
const rssAfter = process.memoryUsage().rss;
send({
  type: "connected",
  connected: [...connected.values()].filter(Boolean).length,
  connectedMs,
  rssBefore,
  rssAfter,
  connectLagP99,
});

/** BENCH_SCALE_TRACE=<file>: the storm every 250 ms (loop utilisation, accounts back, worst lag), for tuning. */
function traceStorm(file: string | undefined): () => void {
  if (!file) return () => undefined;
  const counts = { fetch: 0, ws: 0 };
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    counts.fetch++;
    return realFetch(...args);
  }) as typeof fetch;
  const RealWebSocket = globalThis.WebSocket;
  globalThis.WebSocket = class extends RealWebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      counts.ws++;
    }
  };
  const rows: string[] = ["ms\tutilization\tback\tmaxLagMs\tfetches\tsockets\tcpuMs"];
  const window = monitorEventLoopDelay({ resolution: 10 });
  window.enable();
  let last = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  const timer = setInterval(() => {
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    cpu = process.cpuUsage();
    const now = performance.eventLoopUtilization();
    const u = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    rows.push(
      `${Date.now() - stormStartedAt}\t${u.toFixed(2)}\t${reconnectedAt.length}\t${(window.max / 1e6).toFixed(0)}\t${counts.fetch}\t${counts.ws}\t${cpuMs.toFixed(0)}`,
    );
    counts.fetch = 0;
    counts.ws = 0;
    window.reset();
  }, 250);
  return () => {
    clearInterval(timer);
    writeFileSync(file, `${rows.join("\n")}\n`);
  };
}

process.on("message", async (message: { type: string }) => {
  if (message.type !== "restarting") return;
  lag.reset();
  stormStartedAt = Date.now();
  const endTrace = traceStorm(process.env.BENCH_SCALE_TRACE);
  // The restart closes every socket: each account drops and comes back once.
  await until(() => reconnectedAt.length >= accounts.length, 60_000);
  const windows = new Map<number, number>();
  for (const ms of reconnectedAt)
    windows.set(Math.floor(ms / 100), (windows.get(Math.floor(ms / 100)) ?? 0) + 1);
  send({
    type: "storm",
    reconnected: reconnectedAt.length,
    allBackMs: Math.max(0, ...reconnectedAt),
    maxPer100ms: Math.max(0, ...windows.values()),
    stormLagP99: lagP99(),
  });
  endTrace();
  await pool.stopAll();
  process.exit(0);
});
