import { backoffDelay, KickWindow } from "./backoff.js";
import { type Clock, realClock, sleepOn } from "./clock.js";
import type { LoginOutcome, SdkSession } from "./session.js";
import type { StatusTracker } from "./status.js";
import type { RefreshOutcome, TokenRefresher } from "./types.js";

export interface RecoveryRequest {
  refresh: boolean;
  reason: string;
  kicked?: boolean;
}

export interface RecoveryDeps {
  accountId: string;
  refresher: TokenRefresher;
  status: StatusTracker;
  signal: AbortSignal;
  log: (level: "info" | "warn" | "error", message: string) => void;
  backoff: { baseMs: number; capMs: number };
  kick: { baseMs: number; capMs: number };
  loginTimeoutMs: number;
  /** Backoffs and the refresh gap run on it (default: the real clock). */
  clock?: Clock;
  /** Retires the current session (if any) and returns a new one logged in with nothing yet. */
  newSession(): SdkSession;
  retireSession(): void;
  tokenRefreshed(token: string, userID?: string): void;
  /** Called after each login attempt and on giving up (start() resolves on the first). */
  attemptSettled(): void;
  /**
   * Waits for the process-wide reconnect gate (reconnect.ts) before every login but the first: a thousand
   * accounts restarting stalled sessions at once must not log in all at once. `wanted` turns false on stop.
   */
  admitLogin?(wanted: () => boolean): Promise<void>;
}

/** A brand-new token refused this many times in a row means refreshing cannot help. */
const MAX_FRESH_TOKEN_REJECTS = 3;
const MIN_REFRESH_GAP_MS = 1000;

/**
 * The only place that logs in. Single-flight: requests arriving while a recovery runs are merged into it,
 * so one account never has two logins at once. Each round retires the old instance first (its pending
 * retry would reconnect with the old token), refreshes if asked, then logs a fresh instance in.
 */
export class Recovery {
  private running: Promise<void> | undefined;
  private pending: RecoveryRequest | undefined;
  private lastRefreshAt = 0;
  private logins = 0;
  private readonly clock: Clock;
  private readonly kicks: KickWindow;
  needsLogin = false;
  /** A retryable refresh failed: the refresher retries by itself, and its token ends the wait. */
  waitingForToken = false;

  constructor(private readonly deps: RecoveryDeps) {
    this.kicks = new KickWindow(deps.kick.baseMs, deps.kick.capMs);
    this.clock = deps.clock ?? realClock;
  }

  get active(): boolean {
    return this.running !== undefined;
  }

  request(request: RecoveryRequest): Promise<void> {
    if (this.deps.signal.aborted) return Promise.resolve();
    const merged = this.pending;
    this.pending = {
      refresh: request.refresh || Boolean(merged?.refresh),
      reason: merged?.refresh && !request.refresh ? merged.reason : request.reason,
      kicked: request.kicked || merged?.kicked,
    };
    if (!this.running) {
      this.needsLogin = false;
      this.waitingForToken = false;
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async loop(): Promise<void> {
    const { status, signal, log } = this.deps;
    let attempt = 0;
    let freshRejects = 0;
    while (!signal.aborted && this.pending) {
      const request = this.pending;
      this.pending = undefined;
      this.deps.retireSession();
      status.update({ connected: false });
      let refreshed = false;
      if (request.refresh) {
        if (request.kicked) {
          const wait = this.kicks.waitFor(this.clock.now());
          if (wait > 0) {
            log(
              "warn",
              `kicked again within the kick window: waiting ${wait} ms before taking the session back`,
            );
            status.update({
              lastError: `kicked offline (another login with this account?); retrying in ${Math.ceil(wait / 1000)} s`,
            });
            await sleepOn(this.clock, wait, signal);
            if (signal.aborted) return;
          }
          this.kicks.refreshed(this.clock.now());
        }
        await sleepOn(this.clock, this.lastRefreshAt + MIN_REFRESH_GAP_MS - this.clock.now(), signal);
        if (signal.aborted) return;
        status.update({ auth: "refreshing" });
        this.lastRefreshAt = this.clock.now();
        const result = await this.refresh(request.reason);
        if (signal.aborted) return;
        if (!result.ok) {
          const text = `token refresh failed (${result.code})${result.message ? `: ${result.message}` : ""}`;
          if (!result.retryable)
            return this.giveUp(
              `${text}; manual login needed${result.markerPath ? ` (marker ${result.markerPath})` : ""}`,
            );
          // The refresher owns retries: it tries again at `retryAfterMs` and hands the token to the client.
          return this.awaitToken(text, result.retryAfterMs);
        }
        refreshed = true;
        this.deps.tokenRefreshed(result.token, result.userID);
        status.update({ auth: "ok" });
        log("info", `token refreshed (${request.reason})`);
      }
      if (this.logins++ > 0 && this.deps.admitLogin) {
        await untilAborted(
          this.deps.admitLogin(() => !signal.aborted),
          signal,
        );
        if (signal.aborted) return;
      }
      const session = this.deps.newSession();
      const outcome: LoginOutcome = await session.login(this.deps.loginTimeoutMs);
      if (signal.aborted) return;
      if (outcome.kind === "connected") {
        // A connected login answers every request merged into it meanwhile (none may leak into the next).
        this.pending = undefined;
        return this.deps.attemptSettled();
      }
      attempt++;
      if (outcome.kind === "token") {
        freshRejects = refreshed ? freshRejects + 1 : freshRejects;
        if (freshRejects >= MAX_FRESH_TOKEN_REJECTS) {
          return this.giveUp(
            `the server refused ${freshRejects} freshly refreshed tokens (${outcome.event} ${outcome.errCode}); manual login needed`,
          );
        }
        status.update({
          lastError: `login refused: ${outcome.event} errCode=${outcome.errCode} ${outcome.errMsg}`,
        });
        this.pending = this.mergePending({
          refresh: true,
          reason: `${outcome.event} errCode=${outcome.errCode}`,
          kicked: outcome.event === "OnKickedOffline",
        });
      } else {
        status.update({ lastError: `login failed: errCode=${outcome.errCode} ${outcome.errMsg}` });
        this.pending = this.mergePending({ refresh: false, reason: "retry after failed login" });
      }
      log(
        "warn",
        `login attempt ${attempt} did not connect (${outcome.kind}: ${outcome.errMsg}); backing off`,
      );
      this.deps.attemptSettled();
      const backoff = backoffDelay(attempt, this.deps.backoff.baseMs, this.deps.backoff.capMs);
      await sleepOn(this.clock, backoff, signal);
    }
  }

  /** A request that arrived meanwhile wins where it asks for more (a refresh, a kick wait). */
  private mergePending(base: RecoveryRequest): RecoveryRequest {
    const extra = this.pending as RecoveryRequest | undefined;
    if (!extra) return base;
    return {
      refresh: base.refresh || extra.refresh,
      reason: extra.refresh ? extra.reason : base.reason,
      kicked: Boolean(base.kicked || extra.kicked),
    };
  }

  private async refresh(reason: string): Promise<RefreshOutcome> {
    try {
      return await this.deps.refresher.refresh(this.deps.accountId, reason);
    } catch (error) {
      // The engine never throws; any other refresher that does is not something a retry will fix.
      return {
        ok: false,
        code: "REFRESH_HOOK_FAILED",
        message: error instanceof Error ? error.message : String(error),
        markerPath: "",
        retryable: false,
      };
    }
  }

  /** A retryable refresh failure: no loop here; the engine's next result arrives through `tokenArrived`. */
  private awaitToken(text: string, retryAfterMs: number | undefined): void {
    this.waitingForToken = true;
    this.pending = undefined;
    const next =
      retryAfterMs === undefined ? "" : `; the refresher tries again in ${Math.ceil(retryAfterMs / 1000)} s`;
    this.deps.status.update({ auth: "refreshing", connected: false, lastError: `${text}${next}` });
    this.deps.log("warn", `${text}${next}`);
    this.deps.attemptSettled();
  }

  /**
   * A result of a refresh the engine ran on its own (proactive or a retry). While this client waits for a
   * token, a new one logs in and a terminal failure means a human is needed; otherwise the caller swaps
   * a new token into the live instance.
   */
  engineResult(result: RefreshOutcome): void {
    if (this.deps.signal.aborted || !this.waitingForToken) return;
    if (result.ok) {
      this.deps.tokenRefreshed(result.token, result.userID);
      void this.request({ refresh: false, reason: "token from the refresher" });
      return;
    }
    const text = `token refresh failed (${result.code})${result.message ? `: ${result.message}` : ""}`;
    if (!result.retryable) {
      this.waitingForToken = false;
      this.giveUp(`${text}; manual login needed${result.markerPath ? ` (marker ${result.markerPath})` : ""}`);
    } else this.deps.status.update({ lastError: text });
  }

  private giveUp(text: string): void {
    this.needsLogin = true;
    this.pending = undefined;
    this.deps.retireSession();
    this.deps.status.update({ auth: "needs-login", connected: false, lastError: text });
    this.deps.log("error", text);
    this.deps.attemptSettled();
  }
}

/** `promise`, or nothing once `signal` aborts (a gate drops a waiter that is no longer wanted). */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    promise.then(done);
  });
}
