import type { ResolvedAccount, Target } from "@multi-openim/core";
import type { TokenRefresher } from "@multi-openim/token-refresh";

/**
 * What the plugin needs from one account's OpenIM connection. `@multi-openim/client` satisfies it;
 * keeping it here lets the unit tests drive the channel with a double instead of a server.
 */
export interface AccountStatus {
  accountId: string;
  enabled: boolean;
  configured: true;
  running: boolean;
  connected: boolean;
  lastConnectedAt?: number;
  lastError: string | null;
  auth: "ok" | "refreshing" | "needs-login";
  tokenExpiresAt?: number;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  lastTransportActivityAt?: number;
  reconnects: number;
  skippedOnCatchUp?: number;
}

export interface InboundMessage {
  accountId: string;
  kind: "direct" | "group";
  conversationID: string;
  /** direct: the peer; group: the group. Replies go here. */
  target: Target;
  sender: { userID: string; nickname?: string };
  groupID?: string;
  text: string;
  mentionsSelf: boolean;
  mentionsAll: boolean;
  mentionedUserIDs?: string[];
  /** The names the sender's client wrote after each "@", by userID. */
  mentionNames?: Record<string, string>;
  quote?: { clientMsgID?: string; senderID?: string; text: string };
  /** The message quotes one of this account's own messages (a reply to the bot). */
  quotesSelf?: boolean;
  media: {
    kind: string;
    url: string;
    name?: string;
    size?: number;
    mimeType?: string;
    durationSec?: number;
  }[];
  serverTime: number;
  clientMsgID: string;
  serverMsgID: string;
}

export interface SendResult {
  accountId: string;
  clientMsgID: string;
  serverMsgID: string;
}

export type MediaSource = { url: string; name?: string } | { path: string };

/** A text that quotes a message and/or @-mentions users (OpenIM AtText / quote messages). */
export interface TextOptions {
  quote?: {
    clientMsgID: string;
    serverMsgID?: string;
    senderID?: string;
    text?: string;
    sendTime?: number;
    seq?: number;
  };
  atUserIDs?: string[];
  atNames?: Record<string, string>;
}

export interface AccountClient {
  start(): Promise<unknown>;
  stop(): Promise<void>;
  on(event: "message", listener: (message: InboundMessage) => void): () => void;
  on(event: "status", listener: (status: AccountStatus) => void): () => void;
  sendText(target: Target, text: string, options?: TextOptions): Promise<SendResult>;
  /** Marks the conversation (`si_…` / `sg_…`) read up to its newest message. */
  markRead?(conversationID: string): Promise<void>;
  sendImage(target: Target, source: MediaSource): Promise<SendResult>;
  sendVideo(target: Target, source: MediaSource): Promise<SendResult>;
  sendFile(target: Target, source: MediaSource): Promise<SendResult>;
  status(): AccountStatus;
}

export interface Logger {
  debug?(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The engine's own type (token-refresh), as much of it as the client uses, plus dispose. */
export type TokenRefresherLike = Pick<TokenRefresher, "refresh"> &
  Partial<Pick<TokenRefresher, "watch" | "scheduleRefresh" | "cancel" | "dispose">>;

export type CreateAccountClient = (
  account: ResolvedAccount,
  options: {
    tokenRefresher: TokenRefresherLike;
    logger: Logger;
    /** Where the client keeps the account's saved positions (catch-up after a restart). */
    stateDir?: string;
    catchUpMaxAgeMinutes?: number;
    catchUpMaxMessages?: number;
    /** With `store: {kind: "redis"}`: the saved positions in Redis, where a gateway taking the account over finds them. */
    watermarkStorage?: {
      where: string;
      read(): Promise<string | undefined>;
      write(text: string): Promise<void>;
    };
  },
) => AccountClient;
