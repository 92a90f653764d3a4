import type { RefreshResult } from "./options.js";
import { AccountTimers, type Timers } from "./schedule.js";

export interface ProactiveDeps {
  timers: Timers;
  now: () => number;
  marginMs: number;
  refresh: (accountId: string, reason: string) => Promise<RefreshResult>;
  expiresAt: (token: string) => number | undefined;
  debug: (message: string) => void;
  stopped: () => boolean;
}

/** Refreshes each scheduled account `marginMs` before its token expires, so the connection never sees 1501. */
export class ProactiveRefresh {
  readonly #timers: AccountTimers;
  readonly #scheduled = new Set<string>();

  constructor(private readonly deps: ProactiveDeps) {
    this.#timers = new AccountTimers(deps.timers, deps.now);
  }

  /** Plans the account's refresh for `at` (default: margin before exp, or now); returns that time. */
  plan(
    accountId: string,
    expiresAtMs: number,
    at = Math.max(this.deps.now(), expiresAtMs - this.deps.marginMs),
  ): number {
    this.#scheduled.add(accountId);
    this.#timers.set(accountId, at, () => void this.#fire(accountId, expiresAtMs));
    this.deps.debug(
      `[token-refresh] account "${accountId}": proactive refresh at ${new Date(at).toISOString()}`,
    );
    return at;
  }

  /** After any successful refresh of a scheduled account, the next plan follows the new token's exp. */
  afterSuccess(accountId: string, token: string): void {
    if (!this.#scheduled.has(accountId) || this.deps.stopped()) return;
    const exp = this.deps.expiresAt(token);
    if (exp !== undefined) this.plan(accountId, exp);
  }

  cancel(accountId: string): void {
    this.#scheduled.delete(accountId);
    this.#timers.clear(accountId);
  }

  dispose(): void {
    this.#scheduled.clear();
    this.#timers.clearAll();
  }

  async #fire(accountId: string, expiresAtMs: number): Promise<void> {
    const reason = `ProactiveRefresh expiresAt=${new Date(expiresAtMs).toISOString()}`;
    const result = await this.deps.refresh(accountId, reason);
    if (result.ok || !this.#scheduled.has(accountId) || this.deps.stopped() || this.#timers.has(accountId))
      return;
    // The old token still works until exp, so a failed proactive refresh tries again while there is time.
    const left = expiresAtMs - this.deps.now();
    if (left <= 2000) return;
    const retryIn = Math.max(1000, Math.min(this.deps.marginMs / 4, left / 2));
    this.plan(accountId, expiresAtMs, this.deps.now() + retryIn);
  }
}
