import { MultiOpenimError } from "@multi-openim/core";
import { type Clock, realClock } from "./clock.js";
import { SDK_LOG_SILENT } from "./sdk-loader.js";
import type { ClientAccount, ClientOptions } from "./types.js";

export type ResolvedClientOptions = Required<
  Omit<
    ClientOptions,
    "logger" | "friendGuard" | "backoff" | "reconnect" | "stateDir" | "watermarkStorage" | "clock"
  >
> & {
  clock: Clock;
  watermarkStorage: ClientOptions["watermarkStorage"];
  backoff: { baseMs: number; capMs: number };
  reconnect: { baseMs: number; capMs: number; jitter: () => number };
  stateDir: string | undefined;
};

const DURATIONS = [
  "sendTimeoutMs",
  "loginTimeoutMs",
  "stallTimeoutMs",
  "proactiveRefreshMarginMs",
  "kickWindowMs",
  "kickWindowCapMs",
  "historyTimeoutMs",
  "queueTimeoutMs",
  "uploadTimeoutMs",
  "restTimeoutMs",
  "tickMs",
  "watermarkFlushMs",
  "unknownOutcomeTimeoutMs",
] as const;

/** Defaults applied; a bad value is refused with the field and the fix, before anything starts. */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  if (!options?.tokenRefresher || typeof options.tokenRefresher.refresh !== "function") {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      "[client] options.tokenRefresher is required: pass createTokenRefresher(...) or any { refresh(accountId, reason) }",
    );
  }
  for (const field of DURATIONS) {
    const value = options[field];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[client] options.${field} must be a number of ms >= 0, got ${String(value)}`,
      );
    }
  }
  for (const field of ["baseMs", "capMs"] as const) {
    const value = options.reconnect?.[field];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[client] options.reconnect.${field} must be a number of ms >= 0, got ${String(value)}`,
      );
    }
  }
  const { catchUpMaxAgeMinutes: age, catchUpMaxMessages: max, stateDir } = options;
  if (age !== undefined && !(typeof age === "number" && Number.isFinite(age) && age > 0)) {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      `[client] catchUpMaxAgeMinutes must be a number of minutes > 0 (default 1440), got ${String(age)}`,
    );
  }
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      `[client] catchUpMaxMessages must be an integer >= 1 (default 200), got ${String(max)}`,
    );
  }
  if (stateDir !== undefined && (typeof stateDir !== "string" || !stateDir.trim())) {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      "[client] options.stateDir must be a folder path or left out",
    );
  }
  const clock = options.clock ?? realClock;
  for (const field of ["now", "setTimeout", "clearTimeout"] as const) {
    if (typeof clock?.[field] !== "function")
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[client] options.clock.${field} must be a function: pass a Clock (realClock, ManualClock) or leave it out`,
      );
  }
  return {
    clock,
    stateDir,
    watermarkStorage: options.watermarkStorage,
    catchUpMaxAgeMinutes: age ?? 1440,
    catchUpMaxMessages: max ?? 200,
    watermarkFlushMs: options.watermarkFlushMs ?? 1000,
    unknownOutcomeTimeoutMs: options.unknownOutcomeTimeoutMs ?? 120_000,
    tokenRefresher: options.tokenRefresher,
    sendTimeoutMs: options.sendTimeoutMs ?? 15_000,
    loginTimeoutMs: options.loginTimeoutMs ?? 15_000,
    stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
    proactiveRefreshMarginMs: options.proactiveRefreshMarginMs ?? 300_000,
    kickWindowMs: options.kickWindowMs ?? 30_000,
    kickWindowCapMs: options.kickWindowCapMs ?? 600_000,
    sdkLogLevel: options.sdkLogLevel ?? SDK_LOG_SILENT,
    historyTimeoutMs: options.historyTimeoutMs ?? 10_000,
    queueTimeoutMs: options.queueTimeoutMs ?? 30_000,
    uploadTimeoutMs: options.uploadTimeoutMs ?? 120_000,
    restTimeoutMs: options.restTimeoutMs ?? 15_000,
    tickMs: Math.max(10, options.tickMs ?? 1000),
    guardSdkRejections: options.guardSdkRejections ?? true,
    backoff: { baseMs: options.backoff?.baseMs ?? 1000, capMs: options.backoff?.capMs ?? 30_000 },
    reconnect: {
      baseMs: options.reconnect?.baseMs ?? 1000,
      capMs: options.reconnect?.capMs ?? 30_000,
      jitter: options.reconnect?.jitter ?? Math.random,
    },
  };
}

/** A resolved account is expected (core's resolveAccounts); anything missing is named, not guessed. */
export function assertClientAccount(account: ClientAccount): void {
  for (const field of ["accountId", "token", "wsAddr", "apiAddr", "userID"] as const) {
    if (typeof account?.[field] !== "string" || !account[field].trim()) {
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[client] account.${field} is required: resolve accounts with @multi-openim/core's resolveAccounts first`,
      );
    }
  }
}

/** Whether an account's SDK instances get the friend guard: the option, else the account's setting, else on. */
export function friendGuardFor(
  account: Pick<ClientAccount, "disableFriendSdk">,
  options: Pick<ClientOptions, "friendGuard">,
): boolean {
  return options.friendGuard ?? account.disableFriendSdk ?? true;
}
