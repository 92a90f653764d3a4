import type { Target } from "@multi-openim/core";
import type { DirectoryGroup, DirectoryUser } from "./directory.js";
import type { AccountStatus, InboundMessage, MediaSource, SendResult, TextOptions } from "./types.js";

export interface AccountClientEvents extends Record<string, unknown> {
  message: InboundMessage;
  status: AccountStatus;
}

export interface AccountClient {
  readonly accountId: string;
  /** Connects; resolves with the status once the first login attempt has settled (recovery goes on). */
  start(): Promise<AccountStatus>;
  stop(): Promise<void>;
  status(): AccountStatus;
  /**
   * A "message" listener may return a promise: the message's position is saved (what a restart goes on
   * from) only once it resolves, so a message the process dies holding is fetched again by the next
   * start. Resolve it once the message is safe (e.g. written to your own store), not when it is answered.
   */
  on<K extends keyof AccountClientEvents>(
    event: K,
    listener: (payload: AccountClientEvents[K]) => unknown,
  ): () => void;
  off<K extends keyof AccountClientEvents>(
    event: K,
    listener: (payload: AccountClientEvents[K]) => unknown,
  ): void;
  /**
   * Plain text, or quoting a message and/or @-mentioning users (`options`). Every send made while the
   * account is not connected waits for it, in order (bounded: `sendQueueMaxItems` / `sendQueueMaxAgeMs`),
   * and fails with NOT_CONNECTED only when nothing was sent.
   */
  sendText(target: string | Target, text: string, options?: TextOptions): Promise<SendResult>;
  /**
   * Marks a conversation (`si_…` / `sg_…`, as in InboundMessage.conversationID) read up to `seq` (a
   * handled message's InboundMessage.seq), or without it up to the newest message the client has handed
   * on in it. Coalesced: one mark in flight per conversation, calls made meanwhile share the next one.
   */
  markRead(conversationID: string, seq?: number): Promise<void>;
  sendImage(target: string | Target, source: MediaSource): Promise<SendResult>;
  sendVideo(target: string | Target, source: MediaSource): Promise<SendResult>;
  sendFile(target: string | Target, source: MediaSource): Promise<SendResult>;
  /** A native voice message (content type 103), with its duration in seconds when known. */
  sendSound(target: string | Target, source: MediaSource, durationSec?: number): Promise<SendResult>;
  selfInfo(): Promise<DirectoryUser>;
  joinedGroups(): Promise<DirectoryGroup[]>;
  groupMembers(groupID: string): Promise<DirectoryUser[]>;
  /** Empty while the friend guard is on (the default). */
  friends(): Promise<DirectoryUser[]>;
  /** Unsends one of the account's own messages for everyone. */
  revokeMessage(conversationID: string, clientMsgID: string): Promise<void>;
  /** The newest messages of a conversation (at most 100), oldest first. */
  recentMessages(conversationID: string, count: number): Promise<InboundMessage[]>;
  /** Shows / clears "typing…" in a conversation (online only, never stored). */
  setTyping(conversationID: string, focus: boolean): Promise<void>;
  /** Logs in with a token obtained by hand (e.g. after `needs-login`). */
  setToken(token: string): Promise<AccountStatus>;
}
