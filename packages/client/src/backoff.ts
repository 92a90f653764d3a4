import type { RefreshOutcome } from "./types.js";

/** Exponential delay with jitter (so many accounts do not retry in lockstep), capped. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + 0.5 * random()));
}

/**
 * Refresh failures that no retry can fix: refresh is off, the hook has no token, the response lacks one,
 * or the auth server refused the credentials (HTTP 4xx other than 408/429). Everything else (network,
 * timeout, 5xx, open circuit) is retried with backoff, so "endpoint down, then up" recovers on its own.
 */
export function isTerminalRefreshFailure(result: Extract<RefreshOutcome, { ok: false }>): boolean {
  switch (result.code) {
    case "REFRESH_DISABLED":
    case "REFRESH_HOOK_FAILED":
    case "REFRESH_NO_TOKEN":
    case "REFRESH_BAD_JSON":
    case "REFRESH_STATE_READ":
    case "NEEDS_LOGIN":
      return true;
    case "REFRESH_HTTP_STATUS": {
      const status = Number(/HTTP (\d{3})/.exec(result.message ?? "")?.[1]);
      return status >= 400 && status < 500 && status !== 408 && status !== 429;
    }
    default:
      return false;
  }
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
