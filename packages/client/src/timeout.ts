import { type Clock, type ClockTimer, realClock } from "./clock.js";

/** Rejected by `withTimeout` when the time runs out; callers map it to their own error. */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

/**
 * Races a promise against a timer on `clock` that is always cleared (the SDK has no timeouts of its own,
 * and a leftover timer would keep the process alive).
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  clock: Clock = realClock,
): Promise<T> {
  let timer: ClockTimer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(timer));
}

/** The time left until `deadline` on `clock`, at least 1 ms (a timer of 0 would race the answer). */
export function leftUntil(deadline: number, clock: Clock = realClock): number {
  return Math.max(1, deadline - clock.now());
}
