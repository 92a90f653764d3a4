import type { RefreshResult } from "./options.js";
import { AccountTimers, type Timers } from "./schedule.js";

/** Gets the result of every refresh the engine runs on its own for an account (proactive or retry). */
export type RefreshListener = (result: RefreshResult) => void;

export interface ProactiveDeps {
  timers: Timers;
  now: () => number;
  marginMs: number;
  refresh: (accountId: string, reason: string) => Promise<RefreshResult>;
  expiresAt: (token: string) => number | undefined;
  debug: (message: string) => void;
  warn: (message: string) => void;
  stopped: () => boolean;
}

/**
 * The engine's half of "when": a refresh `marginMs` before each watched account's `exp`, and after a
 * retryable failure another try at the time the failure named (`retryAfterMs`), until one succeeds or
 * one fails for good. Whoever watches the account gets each result, so no caller needs a timer of its own.
 */
export class ProactiveRefresh {
  readonly #timers: AccountTimers;
  readonly #listeners = new Map<string, RefreshListener | undefined>();
  /** Accounts with a proactive plan (watched-only ones get retries, not a refresh before each exp). */
  readonly #scheduled = new Set<string>();
  /** The exp of the token the account's current plan protects (retries stay gentle while it is valid). */
  readonly #expiries = new Map<string, number>();

  constructor(private readonly deps: ProactiveDeps) {
    this.#timers = new AccountTimers(deps.timers, deps.now);
  }

  /** Watches the account; a listener passed here replaces the previous one. */
  watch(accountId: string, listener?: RefreshListener): void {
    if (listener || !this.#listeners.has(accountId)) this.#listeners.set(accountId, listener);
  }

  watched(accountId: string): boolean {
    return this.#listeners.has(accountId);
  }

  /** Plans the account's refresh for `at` (default: margin before exp, or now); returns that time. */
  plan(
    accountId: string,
    expiresAtMs: number,
    at = Math.max(this.deps.now(), expiresAtMs - this.deps.marginMs),
  ): number {
    this.watch(accountId);
    this.#scheduled.add(accountId);
    this.#expiries.set(accountId, expiresAtMs);
    this.#timers.set(accountId, at, () => void this.#fire(accountId, expiresAtMs));
    this.deps.debug(
      `[token-refresh] account "${accountId}": proactive refresh at ${new Date(at).toISOString()}`,
    );
    return at;
  }

  /** After any result for a watched account: success plans from the new exp, a retryable failure retries. */
  after(accountId: string, result: RefreshResult): void {
    if (!this.#listeners.has(accountId) || this.deps.stopped()) return;
    if (result.ok) {
      const exp = this.#scheduled.has(accountId) ? this.deps.expiresAt(result.token) : undefined;
      if (exp !== undefined) this.plan(accountId, exp);
      else this.#timers.clear(accountId);
      return;
    }
    if (!result.retryable) {
      this.#timers.clear(accountId);
      return;
    }
    const now = this.deps.now();
    const exp = this.#expiries.get(accountId) ?? now;
    const left = exp - now;
    // While the old token still works there is no hurry: space tries out over the time left.
    const gentle = left > 2000 ? Math.max(1000, Math.min(this.deps.marginMs / 4, left / 2)) : 0;
    const wait = Math.max(result.retryAfterMs ?? 1000, gentle);
    this.#timers.set(accountId, now + wait, () => void this.#fire(accountId, exp, "retry"));
    this.deps.debug(
      `[token-refresh] account "${accountId}": retry at ${new Date(now + wait).toISOString()} after ${result.code}`,
    );
  }

  /** A caller asked for a refresh: its token is dead (expired early, kicked), so retries must not dawdle. */
  demanded(accountId: string): void {
    if (this.#expiries.has(accountId)) this.#expiries.set(accountId, this.deps.now());
  }

  cancel(accountId: string): void {
    this.#listeners.delete(accountId);
    this.#scheduled.delete(accountId);
    this.#expiries.delete(accountId);
    this.#timers.clear(accountId);
  }

  dispose(): void {
    this.#listeners.clear();
    this.#scheduled.clear();
    this.#timers.clearAll();
  }

  async #fire(accountId: string, expiresAtMs: number, kind = "proactive"): Promise<void> {
    const reason =
      kind === "retry"
        ? "RetryAfterFailure"
        : `ProactiveRefresh expiresAt=${new Date(expiresAtMs).toISOString()}`;
    const result = await this.deps.refresh(accountId, reason);
    const listener = this.#listeners.get(accountId);
    if (!listener || this.deps.stopped()) return;
    try {
      listener(result);
    } catch (error) {
      this.deps.warn(
        `[token-refresh] account "${accountId}": refresh listener threw: ${(error as Error)?.message ?? String(error)}`,
      );
    }
  }
}
