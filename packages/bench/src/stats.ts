/** Nearest-rank percentile (p in 0..100) of a non-empty list; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The middle value (the mean of the two middle ones for an even count) of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One measured phase: wall-clock rate and the process's CPU time per message (user + system). */
export interface Phase {
  perSec: number;
  cpuUsPerMsg: number;
}

// BENCH_PHASES=1 prints each phase's window on the monotonic clock (µs, the clock of a --cpu-prof
// profile's sample timestamps) to stderr, to read a profile's self-times per phase.
const PHASES = process.env.BENCH_PHASES === "1";

/** Runs `run` (which handles `count` messages) and measures its rate and CPU per message. */
export async function measurePhase(name: string, count: number, run: () => Promise<void>): Promise<Phase> {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const started = performance.now();
  await run();
  const secs = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (PHASES) process.stderr.write(`phase ${name} ${t0 / 1000n} ${process.hrtime.bigint() / 1000n}\n`);
  return { perSec: count / secs, cpuUsPerMsg: (used.user + used.system) / count };
}

export interface Spread {
  n: number;
  p50: number;
  p95: number;
}

export function spread(values: readonly number[]): Spread {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95) };
}

/** Polls `check` every few ms until it passes or `timeoutMs` ends; resolves to whether it passed. */
export async function waitUntil(check: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A number for a table cell: no decimals from 100 up, two below. */
export function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return "–";
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2);
}
