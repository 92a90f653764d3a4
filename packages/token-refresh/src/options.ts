import {
  type HttpRefreshConfig,
  MultiOpenimError,
  type MultiOpenimErrorCode,
  type TokenRefreshConfig,
  tokenRefreshSchema,
} from "@multi-openim/core";
import type { AccountInfo } from "./admin-refresh.js";
import type { AlertEvent, AlertOptions } from "./alerts.js";
import type { BackoffOptions } from "./backoff.js";
import type { CircuitOptions } from "./circuit.js";
import type { RedisStoreOptions } from "./redis-store.js";
import type { RefreshLockOptions } from "./refresh-lock.js";
import type { RefreshLogger } from "./secrets.js";

/** `tokenRefresh` as written in a config file: the same fields as core's schema, defaults optional. */
export interface TokenRefreshSettings {
  mode?: TokenRefreshConfig["mode"];
  manualLoginMarkerPath?: string;
  http?: Omit<HttpRefreshConfig, "method" | "timeoutMs"> & { method?: string; timeoutMs?: number };
  admin?: TokenRefreshConfig["admin"];
}

export type RefreshMode = TokenRefreshConfig["mode"];

export interface RefreshStartEvent {
  accountId: string;
  reason: string;
  mode: RefreshMode;
}
export interface RefreshSuccessEvent extends RefreshStartEvent {
  durationMs: number;
  attempts: number;
  userID?: string;
}
export interface RefreshFailureEvent extends RefreshStartEvent {
  durationMs: number;
  attempts: number;
  code: MultiOpenimErrorCode;
  /** Already redacted. */
  message: string;
  markerPath: string;
}

export interface TokenRefresherOptions {
  /** The channel's `tokenRefresh` block (validated with core's schema; http without endpoint or responseTokenPath → off). */
  tokenRefresh?: TokenRefreshSettings;
  /** Saves a new token where the next start finds it; core's `patchAccountToken` is the ready-made one. */
  persistToken?: (accountId: string, token: string, userID?: string) => Promise<void> | void;
  logger?: RefreshLogger;
  onRefreshStart?: (event: RefreshStartEvent) => void;
  onRefreshSuccess?: (event: RefreshSuccessEvent) => void;
  onRefreshFailure?: (event: RefreshFailureEvent) => void;
  backoff?: BackoffOptions;
  circuit?: CircuitOptions;
  /** Refresh this long before a scheduled token's expiry, ms. Default 300000 (5 min). */
  proactiveMarginMs?: number;
  /** Reads a new token's expiry (ms epoch) to schedule the next proactive refresh. Default: the JWT `exp`. */
  expiresAt?: (token: string) => number | undefined;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  timers?: { setTimeout: typeof globalThis.setTimeout; clearTimeout: typeof globalThis.clearTimeout };
  random?: () => number;
  /** More values never to print (e.g. the current tokens of the accounts). */
  secrets?: Iterable<string>;
  /** An account's userID, platformID and apiAddr (mode "admin" mints a token for them); the plugin passes the resolved account. */
  accountInfo?: (accountId: string) => AccountInfo | undefined;
  /**
   * Cross-process refresh lock (on by default, except mode "off"): processes sharing an account refresh
   * it once; the others use that token. `false` turns it off (one process per account only).
   */
  lock?: RefreshLockOptions | false;
  /** `store: {kind: "redis", url}`: refresh locks and last tokens in Redis, shared across machines. Default: files. */
  store?: RedisStoreOptions | { kind: "file" };
  /** `alerts.webhook`: POST {accountId, event, reason, at} on needs-login, circuit open and recovered. */
  alerts?: AlertOptions;
  /** The same alerts as events, for library users. */
  onAlert?: (event: AlertEvent) => void;
  /** Where mode "admin" reads `secretEnv`. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export type RefreshResult =
  | {
      ok: true;
      token: string;
      userID?: string;
      persistError?: { code: MultiOpenimErrorCode; message: string };
    }
  | {
      ok: false;
      code: MultiOpenimErrorCode;
      message: string;
      markerPath: string;
      /** True when trying again later may work (network, timeout, 5xx, 429, circuit open); false needs a human. */
      retryable: boolean;
      /** When retryable: how long to wait before the next try, ms (the open circuit's rest, or the backoff). */
      retryAfterMs?: number;
    };

export type RefreshFailure = Extract<RefreshResult, { ok: false }>;

/** Validates `tokenRefresh` and applies the seed's downgrade; pure: warnings are returned, not printed. */
export function resolveTokenRefresh(settings: TokenRefreshSettings = {}): {
  config: TokenRefreshConfig;
  warnings: string[];
} {
  const parsed = tokenRefreshSchema.safeParse(settings);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `tokenRefresh.${issue.path.map(String).join(".")}: ${issue.message}`)
      .join("; ");
    throw new MultiOpenimError("CONFIG_INVALID", `[token-refresh] invalid tokenRefresh options: ${details}`);
  }
  const config: TokenRefreshConfig = parsed.data;
  const warnings: string[] = [];
  if (config.mode === "http") {
    const missing = [
      config.http?.endpoint ? undefined : "tokenRefresh.http.endpoint",
      config.http?.responseTokenPath ? undefined : "tokenRefresh.http.responseTokenPath",
    ].filter((f): f is string => f !== undefined);
    if (missing.length > 0) {
      warnings.push(
        `[token-refresh] mode "http" needs ${missing.join(" and ")}; refresh is off (expired tokens write a manual-login marker) until they are set`,
      );
      return { config: { ...config, mode: "off" }, warnings };
    }
    if (config.http?.stateWriteBack && !config.http.stateFile) {
      warnings.push(
        "[token-refresh] tokenRefresh.http.stateWriteBack is set without tokenRefresh.http.stateFile; refreshes will fail with REFRESH_STATE_WRITE until stateFile is set",
      );
    }
  }
  if (config.mode === "admin") {
    if (!config.admin) {
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        '[token-refresh] tokenRefresh.mode "admin" needs tokenRefresh.admin: {adminUserID, secretEnv | secretFile | secret}',
      );
    }
    if (config.admin.secret !== undefined) {
      warnings.push(
        "[token-refresh] tokenRefresh.admin.secret is written inline in the config; prefer secretEnv or secretFile so the admin secret is not in openclaw.json",
      );
    }
  }
  return { config, warnings };
}
