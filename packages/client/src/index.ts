export type { AccountClient, AccountClientEvents } from "./account-client.js";
export { createAccountClient } from "./client.js";
export { type Clock, type ClockTimer, ManualClock, realClock } from "./clock.js";
export type { DirectoryGroup, DirectoryUser } from "./directory.js";
export { AT_ALL_TAG, conversationIdOf, normalizeMessage } from "./normalize.js";
export { friendGuardFor } from "./options.js";
export { AccountPool, type PoolStartResult } from "./pool.js";
export { guardSdkRejections, isSdkInternalRejection, sdkRejectionsSwallowed } from "./sdk-rejections.js";
export { resolveTarget } from "./send.js";
export type { SendQueueOptions } from "./send-queue.js";
export { findSentMessages, type SentLookup, sendKeyClientMsgID } from "./sent-lookup.js";
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
  TextOptions,
  TokenRefresher,
} from "./types.js";
export { fileWatermarkStorage, type WatermarkStorage, watermarkFile } from "./watermarks.js";
