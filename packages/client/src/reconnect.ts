import { performance } from "node:perf_hooks";
import { backoffDelay } from "./backoff.js";
import { type Clock, type ClockTimer, realClock } from "./clock.js";
import type { OpenImSdk } from "./sdk-loader.js";

export interface ReconnectPacing {
  /** The first retry comes at a random point in [0, baseMs]; later ones double (jittered) up to capMs. */
  baseMs: number;
  capMs: number;
  /** Jitter source, values in [0, 1). */
  jitter?: () => number;
  /** The process-wide gate every account's retries pass as they fire (default: one shared by the process). */
  gate?: ReconnectGate | null;
}

export interface ReconnectGateOptions {
  /** The ceiling, whatever the load: `burst` at once, then `ratePerSec` (a down server never sees more). */
  ratePerSec: number;
  burst: number;
  /** Retries wait while the event loop was busier than this share of the time (0–1), smoothed. */
  maxUtilization: number;
  /** However busy the loop, one retry goes at least this often (so reconnects always progress). */
  minRatePerSec: number;
  /** How often a gate with retries waiting samples the loop. */
  sampleMs: number;
  clock?: Clock;
  /** The loop's utilisation since the previous call (default: perf_hooks' eventLoopUtilization). */
  utilization?: () => number;
}

/** Node's event-loop utilisation since the previous call: the share of the time the loop was not idle. */
export function loopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
}

interface Waiter {
  admit: () => void;
  wanted: () => boolean;
}

/**
 * Process-wide admission of reconnects across accounts, decided as each retry fires (not when it is
 * planned). Each reconnect is followed by the SDK's re-sync and our catch-up, ~10 ms of CPU: a thousand
 * accounts dropped by one server restart and admitted at a fixed 100/s kept the loop saturated (lag p99
 * 0.4–8 s at 1,000 accounts on this 2-core machine), because the cost per login, not the count, is what
 * fills the loop. So a retry is admitted while the loop has room (its utilisation, sampled while retries
 * wait, under `maxUtilization`), never faster than the ceiling (GCRA: `burst`, then `ratePerSec`), and
 * never slower than `minRatePerSec`. A lone drop on an idle loop goes at once; retries wait in order.
 * Recovery's fresh logins (after a failure or a stall) pass the same gate; an account's first login does not.
 */
export class ReconnectGate {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly floorMs: number;
  private readonly perSample: number;
  private readonly clock: Clock;
  private readonly sample: () => number;
  /** The theoretical arrival time of the next admission at the ceiling's rate. */
  private tat = Number.NEGATIVE_INFINITY;
  private lastAdmitAt = Number.NEGATIVE_INFINITY;
  private lastSampleAt = Number.NEGATIVE_INFINITY;
  private load = 0;
  private readonly queue: Waiter[] = [];
  private timer: ClockTimer | undefined;

  constructor(private readonly options: ReconnectGateOptions) {
    const { ratePerSec, burst, maxUtilization, minRatePerSec, sampleMs } = options;
    if (!(ratePerSec > 0))
      throw new Error(`[client] ReconnectGate ratePerSec must be > 0, got ${ratePerSec}`);
    if (!(burst >= 1)) throw new Error(`[client] ReconnectGate burst must be >= 1, got ${burst}`);
    if (!(maxUtilization > 0 && maxUtilization <= 1))
      throw new Error(`[client] ReconnectGate maxUtilization must be in (0, 1], got ${maxUtilization}`);
    if (!(minRatePerSec > 0 && minRatePerSec <= ratePerSec))
      throw new Error(
        `[client] ReconnectGate minRatePerSec must be > 0 and <= ratePerSec, got ${minRatePerSec}`,
      );
    if (!(sampleMs > 0)) throw new Error(`[client] ReconnectGate sampleMs must be > 0, got ${sampleMs}`);
    this.intervalMs = 1000 / ratePerSec;
    this.toleranceMs = this.intervalMs * (burst - 1);
    this.floorMs = 1000 / minRatePerSec;
    this.perSample = Math.max(1, Math.ceil((ratePerSec * sampleMs) / 1000));
    this.clock = options.clock ?? realClock;
    this.sample = options.utilization ?? loopUtilization();
  }

  /** Retries waiting for admission now. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves when this retry may connect. `wanted` is asked again before admitting it: a retry that is
   * no longer wanted (its instance retired meanwhile) leaves the line without using a slot.
   */
  admit(wanted: () => boolean = () => true): Promise<void> {
    return new Promise((admit) => {
      if (this.queue.length === 0 && this.roomNow()) {
        this.take();
        admit();
        return;
      }
      this.queue.push({ admit, wanted });
      this.schedule();
    });
  }

  private roomNow(): boolean {
    const now = this.clock.now();
    if (now - this.lastSampleAt >= this.options.sampleMs) this.observe(now);
    return this.load <= this.options.maxUtilization && this.underCeiling(now);
  }

  /** Smoothed utilisation (half of it from the newest sample): one busy sample does not stop admissions. */
  private observe(now: number): void {
    const u = this.sample();
    this.load = this.lastSampleAt === Number.NEGATIVE_INFINITY ? u : (this.load + u) / 2;
    this.lastSampleAt = now;
  }

  private underCeiling(now: number): boolean {
    return Math.max(this.tat, now) - this.toleranceMs <= now;
  }

  private take(): void {
    const now = this.clock.now();
    this.tat = Math.max(this.tat, now) + this.intervalMs;
    this.lastAdmitAt = now;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, this.options.sampleMs);
  }

  private pump(): void {
    const now = this.clock.now();
    this.observe(now);
    const roomy = this.load <= this.options.maxUtilization;
    // With a line waiting, the burst is not for it: at most the ceiling's share of one sample each time
    // (a burst saved up while the loop was busy would land all at once the moment it had room).
    // Busy loop: only the floor's rate, one at a time.
    let allowance = roomy ? this.perSample : now - this.lastAdmitAt >= this.floorMs ? 1 : 0;
    while (allowance > 0 && this.queue.length > 0) {
      const next = this.queue[0]!;
      if (!next.wanted()) {
        this.queue.shift();
        continue;
      }
      if (!this.underCeiling(now)) break;
      this.queue.shift();
      this.take();
      allowance--;
      next.admit();
    }
    if (this.queue.length > 0) this.schedule();
  }
}

/** The gate a pacing uses: its own, none (null), or the process's shared one. */
export function gateOf(pacing: Partial<ReconnectPacing> | undefined): ReconnectGate | null {
  return pacing?.gate === undefined ? sharedReconnectGate : pacing.gate;
}

/**
 * The process's shared gate: retries are admitted while the event loop is at most half busy, between
 * 10/s and 100/s after a burst of 20 (1,000 accounts back in 10–100 s, the loop answering meanwhile).
 */
export const sharedReconnectGate = new ReconnectGate({
  ratePerSec: 100,
  burst: 20,
  maxUtilization: 0.4,
  minRatePerSec: 10,
  sampleMs: 20,
});

/**
 * When the SDK's own reconnects happen. The SDK waits a fixed `reconnectInterval` (5 s) after every
 * close, forever, and reads that field once per close to arm its retry timer: a getter on that field
 * turns the fixed wait into "soon, then backing off". The first wait is jittered over the whole base
 * window ("full jitter"), so a thousand accounts dropped by one server restart come back spread over
 * it instead of in one burst; a success resets the count. The SDK never runs two connects of one
 * instance at once (its connect() refuses while a socket is open or opening), and recovery retires an
 * instance before it logs in with a fresh one, so pacing adds no second login.
 */
export class ReconnectPacer {
  private attempts = 0;

  private readonly random: () => number;
  readonly gate: ReconnectGate | null;

  constructor(private readonly pacing: ReconnectPacing) {
    this.random = pacing.jitter ?? Math.random;
    this.gate = gateOf(pacing);
  }

  /** The wait before the next retry fires (and counts it); the gate then admits it when it fires. */
  next(): number {
    this.attempts += 1;
    if (this.attempts === 1) return Math.round(this.pacing.baseMs * this.random());
    return backoffDelay(this.attempts - 1, this.pacing.baseMs, this.pacing.capMs, this.random);
  }

  /** Connected again: the next drop starts from a quick retry. */
  reset(): void {
    this.attempts = 0;
  }
}

interface PacedManager {
  reconnectInterval?: number;
  connect?: () => Promise<void>;
}

/**
 * Hooks the pacer into the instance's socket manager (created by login(); call right after it, when
 * login's own first connect has already started). The retry timer calls `connect()`, looked up when it
 * fires: ours waits for the gate first (telling `waiting`), then connects unless the instance was
 * retired meanwhile (retireSdk replaces `connect`).
 */
export function paceReconnects(
  sdk: OpenImSdk,
  pacer: ReconnectPacer,
  waiting: (inLine: boolean) => void = () => undefined,
): boolean {
  const manager = (sdk as unknown as { wsManager?: PacedManager }).wsManager;
  if (!manager || typeof manager.reconnectInterval !== "number") return false;
  Object.defineProperty(manager, "reconnectInterval", {
    configurable: true,
    get: () => pacer.next(),
    set: () => undefined, // the SDK assigns it in its constructor only; keep ours
  });
  const gate = pacer.gate;
  const connect = manager.connect;
  if (gate && typeof connect === "function") {
    const gated = (): Promise<void> => {
      const current = () => manager.connect === gated;
      waiting(true);
      return gate.admit(current).then(() => {
        waiting(false);
        return current() ? connect.call(manager) : new Promise<void>(() => undefined);
      });
    };
    manager.connect = gated;
  }
  return true;
}
