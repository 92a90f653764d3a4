/** After repeated failed refreshes the endpoint is left alone for a while instead of being hammered. */
export interface CircuitOptions {
  /** Failed refreshes in a row that open the circuit. Default 3. */
  failureThreshold?: number;
  /** How long the first opening lasts, ms; each re-opening doubles it. Default 60000. */
  openMs?: number;
  /** Longest opening, ms. Default 900000 (15 min). */
  maxOpenMs?: number;
}

export type ResolvedCircuit = Required<CircuitOptions>;

export function resolveCircuit(options: CircuitOptions = {}): ResolvedCircuit {
  return {
    failureThreshold: Math.max(1, Math.floor(options.failureThreshold ?? 3)),
    openMs: Math.max(0, options.openMs ?? 60_000),
    maxOpenMs: Math.max(0, options.maxOpenMs ?? 900_000),
  };
}

/** One account's circuit: closed → open (calls refused) → half-open (one trial) → closed or open again. */
export class Circuit {
  #failures = 0;
  #openings = 0;
  #openUntil = 0;

  constructor(private readonly options: ResolvedCircuit) {}

  /** The time (ms epoch) until which calls are refused, or undefined when a call may go out. */
  blockedUntil(now: number): number | undefined {
    return now < this.#openUntil ? this.#openUntil : undefined;
  }

  get failures(): number {
    return this.#failures;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openings = 0;
    this.#openUntil = 0;
  }

  /** Counts a failed refresh; returns the time the circuit stays open until, if this failure opened it. */
  recordFailure(now: number): number | undefined {
    this.#failures += 1;
    if (this.#failures < this.options.failureThreshold) return undefined;
    const duration = Math.min(this.options.maxOpenMs, this.options.openMs * 2 ** this.#openings);
    this.#openings += 1;
    this.#openUntil = now + duration;
    return this.#openUntil;
  }
}
