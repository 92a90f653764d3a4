// A fresh process that hosts N accounts with the client's AccountPool and reports, as one JSON line,
// how long until all were connected and what they cost in RSS (measured against its own baseline).
import { AccountPool } from "@multi-openim/client";
import type { ResolvedAccount } from "@multi-openim/core";

const accounts = JSON.parse(process.env.BENCH_SCALE_ACCOUNTS ?? "[]") as ResolvedAccount[];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const settle = async () => {
  gc();
  await new Promise((r) => setTimeout(r, 300));
  gc();
};
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
const started = performance.now();
await pool.start(accounts);
const end = Date.now() + 120_000;
while (pool.statuses().some((s) => !s.connected) && Date.now() < end)
  await new Promise((r) => setTimeout(r, 10));
const connectedMs = performance.now() - started;
const connected = pool.statuses().filter((s) => s.connected).length;
await new Promise((r) => setTimeout(r, 1000)); // catch-up settles
await settle();
const rssAfter = process.memoryUsage().rss;
process.stdout.write(`${JSON.stringify({ connected, connectedMs, rssBefore, rssAfter })}\n`);
await pool.stopAll();
process.exit(0);
