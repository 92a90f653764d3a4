// A fresh process (forked, with IPC) that hosts N accounts with the client's AccountPool: reports how
// long until all were connected, what they cost in RSS, the event-loop lag while they connected; then,
// when the parent restarts the servers, how the reconnect storm went (spread, lag, time until all back).
import { monitorEventLoopDelay } from "node:perf_hooks";
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
await new Promise((r) => setTimeout(r, 1000)); // catch-up settles
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

process.on("message", async (message: { type: string }) => {
  if (message.type !== "restarting") return;
  lag.reset();
  stormStartedAt = Date.now();
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
  await pool.stopAll();
  process.exit(0);
});
