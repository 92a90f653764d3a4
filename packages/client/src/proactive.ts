/** setTimeout's limit (~24.8 days); a longer delay would fire at once. */
const MAX_DELAY = 2 ** 31 - 1;

export interface ProactiveOptions {
  marginMs: number;
  /** Runs the refresh; resolves true when a new token is in place. */
  refresh(): Promise<boolean>;
  expiresAt(): number | undefined;
  log(message: string): void;
}

/**
 * Refreshes `marginMs` before the token's `exp`, so the server never answers a reconnect with 1501.
 * On failure it tries again at a growing interval while the token is still valid; the recovery loop
 * takes over if it does expire.
 */
export class ProactiveRefresh {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: ProactiveOptions) {}

  /** (Re)arms the timer for the current token. */
  schedule(): void {
    this.clear();
    if (this.stopped || this.options.marginMs <= 0) return;
    const expiresAt = this.options.expiresAt();
    if (expiresAt === undefined) return;
    const retryDelay = this.failures > 0 ? Math.min(60_000, 1000 * 2 ** this.failures) : 0;
    const due = Math.max(expiresAt - this.options.marginMs - Date.now(), retryDelay, 1000);
    this.timer = setTimeout(() => void this.fire(), Math.min(due, MAX_DELAY));
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  resume(): void {
    this.stopped = false;
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    const expiresAt = this.options.expiresAt();
    if (expiresAt !== undefined && expiresAt - Date.now() > this.options.marginMs + 1000) {
      // Woke early (delay clamped): just wait again.
      this.schedule();
      return;
    }
    const ok = await this.options.refresh().catch(() => false);
    if (this.stopped) return;
    this.failures = ok ? 0 : this.failures + 1;
    if (!ok)
      this.options.log(
        `proactive refresh failed (${this.failures} in a row); will retry while the token is valid`,
      );
    if (!ok && expiresAt !== undefined && Date.now() >= expiresAt) return;
    this.schedule();
  }
}
