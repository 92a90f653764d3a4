import { dirname, join } from "node:path";
import {
  accountIdProblem,
  MultiOpenimError,
  markerPathFor,
  tokenExpiresAt,
  urlCredentials,
} from "@multi-openim/core";
import { adminRefresh } from "./admin-refresh.js";
import { Alerts } from "./alerts.js";
import { type AttemptOutcome, withRetries } from "./attempts.js";
import { backoffDelay, resolveBackoff } from "./backoff.js";
import { Circuit, resolveCircuit } from "./circuit.js";
import { refreshError } from "./errors.js";
import { hookRefresh } from "./hook-refresh.js";
import { httpRefresh, type RefreshedToken } from "./http-refresh.js";
import { type RefreshResult, resolveTokenRefresh, type TokenRefresherOptions } from "./options.js";
import { type FinishContext, finishFailure, finishSuccess } from "./outcome.js";
import { ProactiveRefresh, type RefreshListener } from "./proactive.js";
import { RedisRefreshLock, sharedRedisStore } from "./redis-store.js";
import { RefreshLock } from "./refresh-lock.js";
import { defaultTimers } from "./schedule.js";
import { redactingLogger, SecretRegistry } from "./secrets.js";

export interface TokenRefresher {
  /** Refreshes one account's token; concurrent calls for the same account share one attempt. Never throws. */
  refresh(accountId: string, reason: string): Promise<RefreshResult>;
  /**
   * Plans a refresh `proactiveMarginMs` before `expiresAtMs` and keeps the account watched: after each
   * success the next refresh is planned from the new token, after a retryable failure another try follows
   * at `retryAfterMs`. `listener` gets the result of every refresh the engine runs on its own.
   * Returns when the refresh will run (ms epoch).
   */
  scheduleRefresh(accountId: string, expiresAtMs: number, listener?: RefreshListener): number;
  /**
   * Watches the account without a planned refresh (e.g. its token has no `exp`): a retryable failure of
   * any refresh is tried again by the engine, and `listener` gets those results.
   */
  watch(accountId: string, listener: RefreshListener): void;
  /** Drops the account's planned refresh and its listener. */
  cancel(accountId: string): void;
  /** Clears every timer and stops retries; later calls resolve `{ok: false, code: "STOPPED"}`. */
  dispose(): void;
}

export function createTokenRefresher(options: TokenRefresherOptions = {}): TokenRefresher {
  const secrets = new SecretRegistry(options.secrets);
  // A password in the store URL is a secret like a token.
  if (options.store?.kind === "redis")
    for (const value of urlCredentials(options.store.url)) secrets.add(value);
  const log = redactingLogger(options.logger, secrets);
  const { config, warnings } = resolveTokenRefresh(options.tokenRefresh);
  for (const warning of warnings) log.warn(warning);

  const now = options.now ?? Date.now;
  const timers = options.timers ?? defaultTimers();
  const backoff = resolveBackoff(options.backoff);
  const circuitOptions = resolveCircuit(options.circuit);
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const lifetime = new AbortController();
  const inflight = new Map<string, Promise<RefreshResult>>();
  const circuits = new Map<string, Circuit>();
  const proactive = new ProactiveRefresh({
    timers,
    now,
    marginMs: Math.max(0, options.proactiveMarginMs ?? 300_000),
    refresh: (accountId, reason) => refresh(accountId, reason),
    expiresAt: options.expiresAt ?? tokenExpiresAt,
    debug: log.debug,
    warn: log.warn,
    stopped: () => lifetime.signal.aborted,
  });
  const alerts = new Alerts(options.alerts ?? {}, {
    fetch: fetchImpl,
    log,
    secrets,
    ...(options.onAlert ? { onAlert: options.onAlert } : {}),
  });
  const retryDelay = (failures: number) =>
    backoffDelay(Math.max(1, failures), { ...backoff, capMs: Math.max(backoff.capMs, backoff.baseMs) });

  // Other processes on this machine (gateway, MCP server, CLI) refresh the same accounts: one at a time.
  const locks = new Map<string, RefreshLock>();
  // With a Redis store the lock is shared by every machine; connected once, on first use.
  const redisConnection = options.store?.kind === "redis" ? sharedRedisStore(options.store) : undefined;
  const redisStore = redisConnection?.store;
  redisStore?.catch((error: Error) =>
    log.error(`[token-refresh] Redis store: ${secrets.redact(error.message)}`),
  );
  const sharedState = redisStore && {
    read: async (accountId: string) => (await redisStore).readState(accountId),
    write: async (accountId: string, fields: Record<string, unknown>) =>
      (await redisStore).writeState(accountId, fields),
  };
  const redisLock = redisStore && new RedisRefreshLock(redisStore, options.lock || {}, log.warn);
  const lockFor = (markerPath: string): RefreshLock | RedisRefreshLock | undefined => {
    if (options.lock === false || config.mode === "off") return undefined;
    if (redisLock) return redisLock;
    const dir = options.lock?.dir ?? join(dirname(markerPath), "locks");
    let lock = locks.get(dir);
    if (!lock) {
      lock = new RefreshLock(dir, options.lock ?? {}, log.warn);
      locks.set(dir, lock);
    }
    return lock;
  };

  const circuitFor = (accountId: string) => {
    const existing = circuits.get(accountId);
    if (existing) return existing;
    const circuit = new Circuit(circuitOptions);
    circuits.set(accountId, circuit);
    return circuit;
  };

  const source = (accountId: string, reason: string): Promise<RefreshedToken> => {
    if (config.mode === "hook") return hookRefresh(accountId, reason, secrets);
    if (config.mode === "admin" && config.admin) {
      return adminRefresh({
        accountId,
        config: config.admin,
        account: options.accountInfo?.(accountId),
        fetch: fetchImpl,
        secrets,
        env: options.env ?? process.env,
        signal: lifetime.signal,
      });
    }
    if (config.mode === "http" && config.http) {
      const warn = log.warn;
      return httpRefresh({
        accountId,
        config: config.http,
        fetch: fetchImpl,
        secrets,
        warn,
        debug: log.debug,
        signal: lifetime.signal,
        ...(sharedState ? { sharedState } : {}),
      });
    }
    return Promise.reject(
      refreshError(
        "REFRESH_DISABLED",
        `token refresh is off for "${accountId}"; log in again and update its token`,
      ),
    );
  };

  const run = async (accountId: string, reason: string): Promise<RefreshResult> => {
    // The id becomes part of the marker's file name, so a bad one is refused before anything runs.
    const problem = accountIdProblem(accountId);
    if (problem) {
      const message = `[token-refresh] accountId ${JSON.stringify(String(accountId))} ${problem}; pass the account's configured id`;
      log.error(message);
      return { ok: false, code: "ACCOUNT_ID_INVALID", message, markerPath: "", retryable: false };
    }
    const started = now();
    const ctx: FinishContext = {
      accountId,
      reason,
      mode: config.mode,
      started,
      markerPath: markerPathFor(config.manualLoginMarkerPath, accountId),
      circuit: circuitFor(accountId),
      secrets,
      log,
      now,
      options,
      disposed: () => lifetime.signal.aborted,
      retryDelay,
      alerts,
    };
    if (lifetime.signal.aborted)
      return finishFailure(ctx, refreshError("STOPPED", "the refresher is disposed"), 0);
    try {
      options.onRefreshStart?.({ accountId, reason, mode: config.mode });
    } catch (error) {
      log.warn(`[token-refresh] onRefreshStart hook threw: ${(error as Error)?.message ?? String(error)}`);
    }

    const blockedUntil = ctx.circuit.blockedUntil(started);
    if (blockedUntil !== undefined && config.mode !== "off") {
      const until = new Date(blockedUntil).toISOString();
      const error = refreshError(
        "REFRESH_CIRCUIT_OPEN",
        `not calling the refresh ${config.mode === "hook" ? "hook" : "endpoint"} for "${accountId}" until ${until} after ${ctx.circuit.failures} failed refreshes in a row`,
      );
      return finishFailure(ctx, error, 0);
    }

    const attempt = () =>
      withRetries({
        attempt: () => source(accountId, reason),
        backoff,
        timers,
        random: options.random ?? Math.random,
        signal: lifetime.signal,
        onRetry: (error, retry, delayMs) =>
          log.warn(
            `[token-refresh] account "${accountId}": attempt ${retry} failed (${error.code}: ${error.message}); retrying in ${delayMs} ms`,
          ),
      });
    const lock = lockFor(ctx.markerPath);
    const outcome: AttemptOutcome<RefreshedToken> = !lock
      ? await attempt()
      : await lock
          .run(accountId, async (recent): Promise<AttemptOutcome<RefreshedToken>> => {
            if (recent) {
              secrets.add(recent.token);
              log.info(
                `[token-refresh] account "${accountId}": using the token process ${recent.pid} got while this one waited`,
              );
              const value: RefreshedToken = { token: recent.token, clearPaths: [] };
              if (recent.userID) value.userID = recent.userID;
              return { ok: true, value, attempts: 0 };
            }
            const got = await attempt();
            if (got.ok) await lock.remember(accountId, got.value.token, got.value.userID);
            return got;
          })
          .catch((error: unknown) => ({
            ok: false as const,
            error: MultiOpenimError.from(error, "REFRESH_TIMEOUT"),
            attempts: 0,
          }));
    if (!outcome.ok) return finishFailure(ctx, outcome.error, outcome.attempts);
    return finishSuccess(ctx, outcome.value, outcome.attempts);
  };

  const refresh = (accountId: string, reason: string): Promise<RefreshResult> => {
    const running = inflight.get(accountId);
    if (running) return running;
    const promise = run(accountId, reason)
      .then((result) => {
        proactive.after(accountId, result);
        return result;
      })
      .catch((error: unknown): RefreshResult => {
        // A safety net: `refresh` promises never to reject, whatever a caller-supplied function did.
        const message = secrets.redact(
          `[token-refresh] unexpected error: ${(error as Error)?.message ?? String(error)}`,
        );
        log.error(message);
        return {
          ok: false,
          code: MultiOpenimError.from(error, "REFRESH_NETWORK").code,
          message,
          markerPath: "",
          retryable: false,
        };
      })
      .finally(() => inflight.delete(accountId));
    inflight.set(accountId, promise);
    return promise;
  };

  return {
    refresh(accountId, reason) {
      proactive.demanded(accountId);
      return refresh(accountId, reason);
    },
    scheduleRefresh(accountId, expiresAtMs, listener) {
      if (!Number.isFinite(expiresAtMs)) {
        throw new MultiOpenimError(
          "CONFIG_INVALID",
          `[token-refresh] scheduleRefresh("${accountId}", expiresAtMs): expiresAtMs must be a ms epoch number, got ${String(expiresAtMs)}`,
        );
      }
      if (lifetime.signal.aborted) return Number.NaN;
      proactive.watch(accountId, listener);
      return proactive.plan(accountId, expiresAtMs);
    },
    watch(accountId, listener) {
      if (!lifetime.signal.aborted) proactive.watch(accountId, listener);
    },
    cancel: (accountId) => proactive.cancel(accountId),
    dispose() {
      lifetime.abort();
      proactive.dispose();
      redisConnection?.release();
    },
  };
}
