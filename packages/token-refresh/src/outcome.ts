import type { MultiOpenimError } from "@multi-openim/core";
import type { Alerts } from "./alerts.js";
import type { Circuit } from "./circuit.js";
import { isTransient } from "./errors.js";
import type { RefreshedToken } from "./http-refresh.js";
import { removeIfPresent, writeMarker } from "./marker.js";
import type { RefreshMode, RefreshResult, TokenRefresherOptions } from "./options.js";
import type { RefreshLogger, SecretRegistry } from "./secrets.js";

/** Everything the end of one refresh needs to report, persist and clean up. */
export interface FinishContext {
  accountId: string;
  reason: string;
  mode: RefreshMode;
  started: number;
  markerPath: string;
  circuit: Circuit;
  secrets: SecretRegistry;
  log: Required<RefreshLogger>;
  now: () => number;
  options: TokenRefresherOptions;
  disposed: () => boolean;
  /** The wait before the next try after `failures` failed refreshes in a row (the engine's backoff). */
  retryDelay: (failures: number) => number;
  alerts: Alerts;
}

// An observer hook that throws must not turn a good refresh into a bad one.
function notify<E>(ctx: FinishContext, name: string, hook: ((event: E) => void) | undefined, event: E): void {
  try {
    hook?.(event);
  } catch (error) {
    ctx.log.warn(`[token-refresh] ${name} hook threw: ${(error as Error)?.message ?? String(error)}`);
  }
}

/** Persists the token, clears `clearOnSuccess` and the marker, closes the circuit, reports success. */
export async function finishSuccess(
  ctx: FinishContext,
  got: RefreshedToken,
  attempts: number,
): Promise<RefreshResult> {
  const { accountId, log } = ctx;
  let persistError: { code: "REFRESH_PERSIST"; message: string } | undefined;
  if (ctx.options.persistToken) {
    try {
      await ctx.options.persistToken(accountId, got.token, got.userID);
    } catch (error) {
      const message = ctx.secrets.redact(
        `[token-refresh] persistToken failed for "${accountId}": ${(error as Error)?.message ?? String(error)}; the new token is in use but will be lost on restart`,
      );
      persistError = { code: "REFRESH_PERSIST", message };
      log.error(message);
    }
  }
  for (const path of [...got.clearPaths, ctx.markerPath]) {
    try {
      if (await removeIfPresent(path)) log.info(`[token-refresh] account "${accountId}": removed ${path}`);
    } catch (error) {
      log.warn(
        `[token-refresh] account "${accountId}": could not remove ${path}: ${(error as Error).message}`,
      );
    }
  }
  ctx.circuit.recordSuccess();
  ctx.alerts.succeeded(accountId, `token refreshed (${ctx.reason})`);
  const durationMs = ctx.now() - ctx.started;
  log.info(
    `[token-refresh] account "${accountId}": token refreshed (${ctx.reason}) in ${durationMs} ms, ${attempts} attempt(s)`,
  );
  const event = { accountId, reason: ctx.reason, mode: ctx.mode, durationMs, attempts };
  notify(
    ctx,
    "onRefreshSuccess",
    ctx.options.onRefreshSuccess,
    got.userID ? { ...event, userID: got.userID } : event,
  );
  const result: RefreshResult = { ok: true, token: got.token };
  if (got.userID !== undefined) result.userID = got.userID;
  if (persistError) result.persistError = persistError;
  return result;
}

// These say nothing about the endpoint's health, so they do not count toward opening the circuit.
const NOT_COUNTED = new Set(["STOPPED", "REFRESH_DISABLED", "REFRESH_CIRCUIT_OPEN"]);

/** Counts the failure, writes the manual-login marker (unless stopping), reports failure; never throws. */
export async function finishFailure(
  ctx: FinishContext,
  error: MultiOpenimError,
  attempts: number,
): Promise<RefreshResult> {
  const { accountId, log } = ctx;
  const code = error.code;
  const message = ctx.secrets.redact(error.message);
  const circuitOpen = code === "REFRESH_CIRCUIT_OPEN";
  let circuitOpened = false;
  if (!NOT_COUNTED.has(code)) {
    const openUntil = ctx.circuit.recordFailure(ctx.now());
    circuitOpened = openUntil !== undefined;
    if (openUntil !== undefined) {
      log.warn(
        `[token-refresh] account "${accountId}": ${ctx.circuit.failures} failed refreshes in a row; pausing refresh until ${new Date(openUntil).toISOString()}`,
      );
    }
  }
  const stopping = code === "STOPPED" || ctx.disposed();
  // An open circuit is the state the marker already describes: no rewrite, no error line per refused call.
  if (circuitOpen) log.debug(`[token-refresh] account "${accountId}": ${message}`);
  else if (!stopping) {
    try {
      await writeMarker(
        ctx.markerPath,
        {
          accountId,
          reason: ctx.reason,
          at: new Date(ctx.now()).toISOString(),
          lastError: { code, message },
        },
        ctx.secrets,
      );
    } catch (markerError) {
      log.error(
        `[token-refresh] account "${accountId}": could not write manual-login marker ${ctx.markerPath}: ${(markerError as Error).message}`,
      );
    }
    log.error(
      `[token-refresh] account "${accountId}": refresh failed (${ctx.reason}) ${code}: ${message}; manual-login marker at ${ctx.markerPath}`,
    );
  }
  const durationMs = ctx.now() - ctx.started;
  notify(ctx, "onRefreshFailure", ctx.options.onRefreshFailure, {
    accountId,
    reason: ctx.reason,
    mode: ctx.mode,
    durationMs,
    attempts,
    code,
    message,
    markerPath: ctx.markerPath,
  });
  const advice = retryAdvice(ctx, error);
  if (!stopping) ctx.alerts.failed(accountId, `${code}: ${message}`, !advice.retryable, circuitOpened);
  return { ok: false, code, message, markerPath: ctx.markerPath, ...advice };
}

/** Typed advice for callers, so no one has to guess from the message whether to try again. */
function retryAdvice(
  ctx: FinishContext,
  error: MultiOpenimError,
): { retryable: boolean; retryAfterMs?: number } {
  const now = ctx.now();
  const blockedUntil = ctx.circuit.blockedUntil(now);
  if (error.code === "REFRESH_CIRCUIT_OPEN" || (isTransient(error) && blockedUntil !== undefined)) {
    return { retryable: true, retryAfterMs: Math.max(0, (blockedUntil ?? now) - now) };
  }
  if (isTransient(error)) return { retryable: true, retryAfterMs: ctx.retryDelay(ctx.circuit.failures) };
  return { retryable: false };
}
