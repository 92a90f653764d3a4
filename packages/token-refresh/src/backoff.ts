/** Delays between attempts inside one refresh: exponential from `baseMs`, capped, with jitter. */
export interface BackoffOptions {
  /** First delay, ms. Default 1000. */
  baseMs?: number;
  /** Largest delay, ms. Default 30000. */
  capMs?: number;
  /** 0..1: how much of each delay is random (0.5 → between half and all of it). Default 0.5. */
  jitter?: number;
  /** Extra attempts after the first for a transient failure (timeout, network, 5xx, 429). Default 2. */
  retries?: number;
}

export type ResolvedBackoff = Required<BackoffOptions>;

export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  return {
    baseMs: Math.max(0, options.baseMs ?? 1000),
    capMs: Math.max(0, options.capMs ?? 30_000),
    jitter: Math.min(1, Math.max(0, options.jitter ?? 0.5)),
    retries: Math.max(0, Math.floor(options.retries ?? 2)),
  };
}

/**
 * The wait before retry number `retry` (1-based). Jitter spreads many accounts hitting one auth server
 * after the same outage, so they do not retry in lockstep.
 */
export function backoffDelay(
  retry: number,
  options: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const exponential = options.baseMs * 2 ** Math.max(0, retry - 1);
  const capped = Math.min(options.capMs, exponential);
  return Math.round(capped * (1 - options.jitter * random()));
}
