export { isTerminalRefreshFailure } from "./backoff.js";
export {
  type AccountClient,
  type AccountClientEvents,
  createAccountClient,
  friendGuardFor,
} from "./client.js";
export { AT_ALL_TAG, conversationIdOf, normalizeMessage } from "./normalize.js";
export { AccountPool, type PoolStartResult } from "./pool.js";
export { guardSdkRejections, isSdkInternalRejection, sdkRejectionsSwallowed } from "./sdk-rejections.js";
export { resolveTarget } from "./send.js";
export type {
  AccountStatus,
  AuthState,
  ClientAccount,
  ClientLogger,
  ClientOptions,
  InboundMessage,
  MediaDescriptor,
  MediaSource,
  QuotedMessage,
  RefreshOutcome,
  SendResult,
  TokenRefresher,
} from "./types.js";
