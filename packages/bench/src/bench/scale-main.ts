// `node src/bench/scale-main.ts`: the scale rows alone (BENCH_SCALE=1000 for one row). With
// BENCH_SCALE_BASELINE=<file> it prints that earlier run's figures beside this one's; BENCH_SCALE_OUT=<file>
// keeps this run's for the next comparison. BENCH_SCALE_PROF=<dir> writes the child's CPU profile there.
import { readFile, writeFile } from "node:fs/promises";
import { guardSdkRejections } from "@multi-openim/client";
import { describeMachine } from "../machine.ts";
import { quietConsole, say } from "../quiet-console.ts";
import { fmt } from "../stats.ts";
import { renderTable } from "../table.ts";
import { benchScale, type ScaleResult } from "./scale.ts";

const counts = (process.env.BENCH_SCALE ?? "1000").split(",").map(Number);
const machine = describeMachine();
say(`scale — ${machine.nproc} × ${machine.model}, Node ${machine.node}, ${machine.memGiB} GiB`);
const quiet = quietConsole();
const releaseGuard = guardSdkRejections(() => undefined);
const results = await benchScale(counts);
releaseGuard();
quiet.restore();

const baselineFile = process.env.BENCH_SCALE_BASELINE;
const baseline: ScaleResult[] = baselineFile ? JSON.parse(await readFile(baselineFile, "utf8")) : [];
const figures = (s: ScaleResult | undefined) => [
  s ? String(s.connected) : "–",
  fmt(s?.connectedMs),
  fmt(s?.rssPerAccountMiB),
  fmt(s?.connectLagP99Ms),
  fmt(s?.storm?.allBackMs),
  s?.storm ? String(s.storm.maxPer100ms) : "–",
  fmt(s?.storm?.lagP99Ms),
  fmt(s?.storm?.idleLagP99Ms),
];
const header = [
  "connected",
  "all connected ms",
  "RSS MiB/account",
  "lag p99 ms",
  "storm: all back ms",
  "max back /100 ms",
  "storm lag p99 ms",
  "idle process lag p99 ms (control)",
];
const rows = results.flatMap((s) => {
  const before = baseline.find((b) => b.accounts === s.accounts);
  return [
    ...(before ? [[`${s.accounts} (before)`, ...figures(before)]] : []),
    [baselineFile ? `${s.accounts} (now)` : String(s.accounts), ...figures(s)],
  ];
});
say(renderTable(["accounts", ...header], rows));
if (process.env.BENCH_SCALE_OUT)
  await writeFile(process.env.BENCH_SCALE_OUT, `${JSON.stringify(results, null, 2)}\n`);
