// Re-exported so a caller can turn a JWT into the `expiresAtMs` that scheduleRefresh takes.
export { tokenExpiresAt } from "@multi-openim/core";
export {
  type AccountLease,
  type AccountLeaseOptions,
  acquireAccountLease,
  gatewaySendHint,
  type LeaseHolder,
} from "./account-lease.js";
export type { AccountInfo } from "./admin-refresh.js";
export type { AlertEvent, AlertKind, AlertOptions } from "./alerts.js";
export { type BackoffOptions, backoffDelay } from "./backoff.js";
export type { CircuitOptions } from "./circuit.js";
export type { TokenRefresherHook } from "./hook-refresh.js";
export { acquireLease, type LeaseRequest } from "./lease.js";
export type { ManualLoginMarker } from "./marker.js";
export {
  type RefreshFailure,
  type RefreshFailureEvent,
  type RefreshMode,
  type RefreshResult,
  type RefreshStartEvent,
  type RefreshSuccessEvent,
  resolveTokenRefresh,
  type TokenRefresherOptions,
  type TokenRefreshSettings,
} from "./options.js";
export { firstNonEmpty, getByPath, type PathSpec } from "./paths.js";
export type { RefreshListener } from "./proactive.js";
export {
  acquireRedisLease,
  RedisStore,
  type RedisStoreOptions,
  sharedRedisStore,
  sharedRedisText,
} from "./redis-store.js";
export type { RefreshLockOptions } from "./refresh-lock.js";
export { createTokenRefresher, type TokenRefresher } from "./refresher.js";
export type { RefreshLogger } from "./secrets.js";
export { renderDeep, renderTemplate, type TemplateContext } from "./templates.js";
