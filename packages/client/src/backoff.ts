/** Exponential delay with jitter (so many accounts do not retry in lockstep), capped. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + 0.5 * random()));
}

/**
 * Kick policy: the first kick refreshes at once; a kick within the window of the previous kick-triggered
 * refresh waits out that window, and each such kick doubles it (up to the cap). Two gateways logged in
 * with one account therefore take turns less and less often instead of kicking each other forever.
 */
export class KickWindow {
  private streak = 0;
  private lastRefreshAt: number | undefined;

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
  ) {}

  /** How long to wait before refreshing for this kick; call `refreshed()` when the refresh starts. */
  waitFor(now = Date.now()): number {
    if (this.lastRefreshAt === undefined) return 0;
    const since = now - this.lastRefreshAt;
    if (since > 2 * this.capMs) this.streak = 0;
    const window = Math.min(this.capMs, this.baseMs * 2 ** this.streak);
    return Math.max(0, window - since);
  }

  refreshed(now = Date.now()): void {
    if (this.lastRefreshAt !== undefined && now - this.lastRefreshAt < 2 * this.capMs) this.streak++;
    this.lastRefreshAt = now;
  }
}
