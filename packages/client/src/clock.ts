/** An opaque handle from `Clock.setTimeout`. */
export type ClockTimer = { readonly __clockTimer?: never } | object;

/**
 * Where the client's timers and "now" come from: the real clock by default; a test passes a manual one
 * (`ManualClock`) and steps through backoffs, deadlines and flush delays without sleeping for them.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once after `ms`; the timer never keeps the process alive when `unref` is set. */
  setTimeout(fn: () => void, ms: number, options?: { unref?: boolean }): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms, options) {
    const timer = setTimeout(fn, ms);
    if (options?.unref) timer.unref();
    return timer;
  },
  clearTimeout(timer) {
    if (timer) clearTimeout(timer as ReturnType<typeof setTimeout>);
  },
};

/** A sleep on `clock` that ends early when `signal` aborts; its timer is released either way. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told: `advance(ms)` runs every timer due in that span, in time order,
 * letting promise callbacks settle after each, as real time would.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<object, Scheduled>();

  /** Starts at the real time by default, so tokens' `exp` and saved timestamps read as they would. */
  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const handle = {};
    this.timers.set(handle, { at: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return handle;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer) this.timers.delete(timer);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await settle();
      let next: [object, Scheduled] | undefined;
      for (const entry of this.timers) {
        const [, t] = entry;
        if (t.at <= end && (!next || t.at < next[1].at || (t.at === next[1].at && t.seq < next[1].seq)))
          next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
    }
    this.current = end;
    await settle();
  }
}

/** Lets queued promise callbacks run (a few macrotask turns: chains of awaits settle across them). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
