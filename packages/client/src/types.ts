import type { ResolvedAccount, Target } from "@multi-openim/core";
import type { TokenRefresher as RefreshEngine, RefreshResult } from "@multi-openim/token-refresh";
import type { Clock } from "./clock.js";
import type { WatermarkStorage } from "./watermarks.js";

/** Result of one refresh: the engine's own type (`retryable`, `retryAfterMs` decide what happens next). */
export type RefreshOutcome = RefreshResult;

/**
 * What the client needs of `createTokenRefresher()`: `refresh`, and (when present) `watch` /
 * `scheduleRefresh` / `cancel`, through which the engine refreshes before exp, retries retryable failures
 * and hands the client each new token. A bare `{ refresh }` works too, without those.
 */
export type TokenRefresher = Pick<RefreshEngine, "refresh"> &
  Partial<Pick<RefreshEngine, "watch" | "scheduleRefresh" | "cancel">>;

export interface ClientLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

export type AuthState = "ok" | "refreshing" | "needs-login";

/** The seed's status shape plus what an operator needs to see why an account is not delivering. */
export interface AccountStatus {
  accountId: string;
  enabled: boolean;
  configured: true;
  running: boolean;
  connected: boolean;
  lastConnectedAt?: number;
  /** Redacted, at most 500 characters. */
  lastError: string | null;
  auth: AuthState;
  tokenExpiresAt?: number;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  /** Last frame of any kind from the server (pongs included). */
  lastTransportActivityAt?: number;
  /** Connections re-established after the first one. */
  reconnects: number;
  /** Messages a catch-up left out (older than catchUpMaxAgeMinutes or over catchUpMaxMessages), since start. */
  skippedOnCatchUp?: number;
}

export interface MediaDescriptor {
  kind: "image" | "video" | "file" | "audio";
  url: string;
  name?: string;
  size?: number;
  mimeType?: string;
  durationSec?: number;
  snapshotUrl?: string;
  width?: number;
  height?: number;
}

export interface QuotedMessage {
  clientMsgID?: string;
  senderID?: string;
  text: string;
}

/** One inbound message in the form every consumer (plugin, MCP, CLI) uses. */
export interface InboundMessage {
  accountId: string;
  kind: "direct" | "group";
  conversationID: string;
  /** direct: the peer's userID; group: the groupID. Reply here. */
  target: Target;
  sender: { userID: string; nickname?: string; platformID?: number };
  groupID?: string;
  contentType: number;
  text: string;
  mentionsSelf: boolean;
  mentionsAll: boolean;
  mentionedUserIDs: string[];
  /** The names the sender's client wrote after each "@" (atUsersInfo), by userID: strip "@<name>". */
  mentionNames?: Record<string, string>;
  quote?: QuotedMessage;
  /** The message quotes one of the account's own messages (a reply to the bot: treat like a mention). */
  quotesSelf: boolean;
  media: MediaDescriptor[];
  /** The server's clock, ms epoch. */
  serverTime: number;
  clientMsgID: string;
  serverMsgID: string;
  seq: number;
  /** True when it arrived through catch-up (history) rather than a live push. */
  fromCatchUp: boolean;
}

export interface SendResult {
  accountId: string;
  target: Target;
  clientMsgID: string;
  serverMsgID: string;
  serverTime: number;
}

/** How a text is sent: quoting a message (a group reply) and/or @-mentioning users. */
export interface TextOptions {
  quote?: {
    clientMsgID: string;
    serverMsgID?: string;
    senderID?: string;
    senderNickname?: string;
    text?: string;
    sendTime?: number;
    seq?: number;
  };
  /** At most 10 (the SDK's limit); the text should carry the visible "@name". */
  atUserIDs?: string[];
  /** Display names for `atUsersInfo`, by user id. */
  atNames?: Record<string, string>;
  /**
   * Send with this clientMsgID instead of a new one, so one logical send keeps its id across attempts and
   * process restarts and can be looked up on the server (`sendKeyClientMsgID`, `findSentMessages`).
   */
  clientMsgID?: string;
}

export type MediaSource = { url: string; name?: string; size?: number; mimeType?: string } | { path: string };

export interface ClientOptions {
  tokenRefresher: TokenRefresher;
  logger?: ClientLogger;
  /** Guard the SDK's friend methods (default: the account's `disableFriendSdk`, itself default true). */
  friendGuard?: boolean;
  /** Per send, including waiting for a reconnect. Default 15000. */
  sendTimeoutMs?: number;
  /** A login that has not reached OnConnectSuccess by then is abandoned. Default 15000. */
  loginTimeoutMs?: number;
  /** Not connected this long (the SDK keeps retrying, see `reconnect`) → restart with a fresh instance. Default 30000. */
  stallTimeoutMs?: number;
  /**
   * 0 turns proactive refresh off for this client. Otherwise the refresher plans it (its
   * `proactiveMarginMs` before `exp`); the client keeps no timer of its own. Default 300000.
   */
  proactiveRefreshMarginMs?: number;
  /** Backoff between recovery attempts: first delay and cap, ms. Defaults 1000 and 30000. */
  backoff?: { baseMs?: number; capMs?: number };
  /**
   * After a dropped connection the SDK reconnects by itself, every 5 s: instead, the first retry comes
   * at a random point within `baseMs` (so many accounts do not hit a restarted server together), later
   * ones double with jitter up to `capMs`. Defaults 1000 and 30000. `jitter` (default Math.random,
   * values in [0, 1)) lets a test pin the waits.
   */
  reconnect?: { baseMs?: number; capMs?: number; jitter?: () => number };
  /**
   * Where the client's own timers and "now" come from (backoffs, stall and queue checks, send-queue
   * deadlines, the watermark flush, the login timeout). Default: the real clock. Tests pass a ManualClock.
   */
  clock?: Clock;
  /**
   * After a kick, the next kick-triggered refresh waits at least this long (doubling per kick up to
   * `kickWindowCapMs`), so two gateways with one account stop kicking each other. Default 30000 / 600000.
   */
  kickWindowMs?: number;
  kickWindowCapMs?: number;
  /** SDK log level (LogLevel: Trace 0 … Silent 5). Default 5. */
  sdkLogLevel?: number;
  /** Per REST call the SDK makes (it sets none). Default 15000. */
  restTimeoutMs?: number;
  /** Per history or conversation-list call during catch-up. Default 10000. */
  historyTimeoutMs?: number;
  /** Live messages wait at most this long for a catch-up before being released anyway. Default 30000. */
  queueTimeoutMs?: number;
  /** Uploading a local file (all parts). Default 120000. */
  uploadTimeoutMs?: number;
  /**
   * Keep rejections the SDK leaves unhandled (its floating REST and WS calls) from crashing the process;
   * other unhandled rejections keep Node's default. Default true.
   */
  guardSdkRejections?: boolean;
  /** Housekeeping tick (stall check, socket state, queue timeout). Default 1000. */
  tickMs?: number;
  /**
   * Folder for the account's saved positions (`watermarks-<accountId>.json`): with it, a restart catches up
   * what arrived while the process was down; without it every start is a baseline (nothing old replayed).
   */
  stateDir?: string;
  /** Catch-up skips (and counts in status) messages older than this. Default 1440 (one day). */
  catchUpMaxAgeMinutes?: number;
  /** Catch-up delivers at most this many per conversation (the newest); the rest is skipped and counted. Default 200. */
  catchUpMaxMessages?: number;
  /**
   * A send whose outcome is unknown (connection lost or timeout after it was issued) is settled within this:
   * after a reconnect, history says whether it was stored, and it is resent (same clientMsgID) only if not.
   * Default 120000.
   */
  unknownOutcomeTimeoutMs?: number;
  /** Saved positions are written at most this often (and at stop). Default 1000. */
  watermarkFlushMs?: number;
  /**
   * Where the saved positions live instead of `<stateDir>/watermarks-<accountId>.json`, e.g. Redis when the
   * channel's `store` is Redis (the plugin passes it), so another process taking the account over catches up.
   */
  watermarkStorage?: WatermarkStorage;
}

export type ClientAccount = ResolvedAccount & { enabled?: boolean };
