import { backoffDelay } from "./backoff.js";
import type { OpenImSdk } from "./sdk-loader.js";

export interface ReconnectPacing {
  /** The first retry comes at a random point in [0, baseMs]; later ones double (jittered) up to capMs. */
  baseMs: number;
  capMs: number;
  /** Jitter source, values in [0, 1). */
  jitter?: () => number;
  /** The process-wide pacing every account's reconnects pass (default: one shared by the process). */
  gate?: ReconnectGate | null;
}

/**
 * Process-wide pacing of reconnects across accounts (GCRA, a token bucket in time): at most `burst`
 * at once, then `ratePerSec`. Each reconnect is followed by the SDK's re-sync and our catch-up, a few
 * ms of CPU each: a thousand accounts dropped by one server restart, even jittered over a 1 s window,
 * is seconds of work that blocked the event loop (lag p99 5.7 s measured at 1,000). Spread at the
 * rate, the loop stays responsive; a lone drop (within the burst) is not delayed at all.
 */
export class ReconnectGate {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** The theoretical arrival time of the next reconnect at the steady rate. */
  private tat = Number.NEGATIVE_INFINITY;

  constructor(
    options: { ratePerSec: number; burst: number },
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.ratePerSec > 0))
      throw new Error(`[client] ReconnectGate ratePerSec must be > 0, got ${options.ratePerSec}`);
    if (!(options.burst >= 1))
      throw new Error(`[client] ReconnectGate burst must be >= 1, got ${options.burst}`);
    this.intervalMs = 1000 / options.ratePerSec;
    this.toleranceMs = this.intervalMs * (options.burst - 1);
  }

  /** A retry wanted in `wantMs`: the wait it gets (never shorter), with its slot reserved. */
  delay(wantMs: number): number {
    const now = this.now();
    const at = now + Math.max(0, wantMs);
    const tat = Math.max(this.tat, at);
    const allowed = Math.max(at, tat - this.toleranceMs);
    this.tat = tat + this.intervalMs;
    return Math.round(allowed - now);
  }
}

/** The process's shared gate: 100 reconnects a second after a burst of 20 (1,000 accounts in ~10 s). */
export const sharedReconnectGate = new ReconnectGate({ ratePerSec: 100, burst: 20 });

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
  private readonly gate: ReconnectGate | null;

  constructor(private readonly pacing: ReconnectPacing) {
    this.random = pacing.jitter ?? Math.random;
    this.gate = pacing.gate === undefined ? sharedReconnectGate : pacing.gate;
  }

  /** The wait before the next retry (and counts it), after the process-wide gate. */
  next(): number {
    const wait = this.own();
    return this.gate ? this.gate.delay(wait) : wait;
  }

  private own(): number {
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
}

/** Hooks the pacer into the instance's socket manager (created by login(); call right after it). */
export function paceReconnects(sdk: OpenImSdk, pacer: ReconnectPacer): boolean {
  const manager = (sdk as unknown as { wsManager?: PacedManager }).wsManager;
  if (!manager || typeof manager.reconnectInterval !== "number") return false;
  Object.defineProperty(manager, "reconnectInterval", {
    configurable: true,
    get: () => pacer.next(),
    set: () => undefined, // the SDK assigns it in its constructor only; keep ours
  });
  return true;
}
