import { backoffDelay } from "./backoff.js";
import type { OpenImSdk } from "./sdk-loader.js";

export interface ReconnectPacing {
  /** The first retry comes at a random point in [0, baseMs]; later ones double (jittered) up to capMs. */
  baseMs: number;
  capMs: number;
  /** Jitter source, values in [0, 1). */
  jitter?: () => number;
}

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

  constructor(private readonly pacing: ReconnectPacing) {
    this.random = pacing.jitter ?? Math.random;
  }

  /** The wait before the next retry (and counts it). */
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
