export interface Timers {
  setTimeout: typeof globalThis.setTimeout;
  clearTimeout: typeof globalThis.clearTimeout;
}

// Node clamps longer delays to 1 ms; OpenIM tokens often live for weeks, so long waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Reads the timer functions at call time, so fake timers installed after creation still apply. */
export function defaultTimers(): Timers {
  return {
    setTimeout: ((...args: Parameters<typeof setTimeout>) =>
      globalThis.setTimeout(...args)) as typeof setTimeout,
    clearTimeout: ((id: Parameters<typeof clearTimeout>[0]) =>
      globalThis.clearTimeout(id)) as typeof clearTimeout,
  };
}

/** One timer per account that fires at an absolute time; unref'd so it never keeps a process alive. */
export class AccountTimers {
  readonly #handles = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
  ) {}

  has(accountId: string): boolean {
    return this.#handles.has(accountId);
  }

  /** Replaces the account's timer with one that calls `fire` at `atMs` (at once if that has passed). */
  set(accountId: string, atMs: number, fire: () => void): void {
    this.clear(accountId);
    const arm = () => {
      const wait = Math.max(0, atMs - this.now());
      const handle = this.timers.setTimeout(
        () => {
          if (wait > MAX_TIMER_MS) return arm();
          this.#handles.delete(accountId);
          fire();
        },
        Math.min(wait, MAX_TIMER_MS),
      );
      (handle as { unref?: () => void }).unref?.();
      this.#handles.set(accountId, handle);
    };
    arm();
  }

  clear(accountId: string): void {
    const handle = this.#handles.get(accountId);
    if (handle !== undefined) this.timers.clearTimeout(handle);
    this.#handles.delete(accountId);
  }

  clearAll(): void {
    for (const accountId of [...this.#handles.keys()]) this.clear(accountId);
  }
}
