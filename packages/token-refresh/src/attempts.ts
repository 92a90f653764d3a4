import { MultiOpenimError } from "@multi-openim/core";
import { backoffDelay, type ResolvedBackoff } from "./backoff.js";
import { isTransient, refreshError } from "./errors.js";
import type { Timers } from "./schedule.js";

export interface AttemptLoopInput<T> {
  attempt: () => Promise<T>;
  backoff: ResolvedBackoff;
  timers: Timers;
  random: () => number;
  signal: AbortSignal;
  onRetry: (error: MultiOpenimError, retry: number, delayMs: number) => void;
}

export type AttemptOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; error: MultiOpenimError; attempts: number };

/** Runs `attempt`, retrying transient failures after a jittered, capped backoff; never throws. */
export async function withRetries<T>(input: AttemptLoopInput<T>): Promise<AttemptOutcome<T>> {
  for (let attempts = 1; ; attempts++) {
    try {
      return { ok: true, value: await input.attempt(), attempts };
    } catch (thrown) {
      const error = MultiOpenimError.from(thrown, "REFRESH_NETWORK");
      if (input.signal.aborted) return { ok: false, error: stopped(error), attempts };
      if (!isTransient(error) || attempts > input.backoff.retries) return { ok: false, error, attempts };
      const delay = backoffDelay(attempts, input.backoff, input.random);
      input.onRetry(error, attempts, delay);
      await sleep(delay, input.timers, input.signal);
      if (input.signal.aborted) return { ok: false, error: stopped(error), attempts };
    }
  }
}

function stopped(cause: unknown): MultiOpenimError {
  return refreshError("STOPPED", "the refresher was disposed while refreshing", { cause });
}

function sleep(ms: number, timers: Timers, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      timers.clearTimeout(handle);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
