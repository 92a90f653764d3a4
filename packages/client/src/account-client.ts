import type { Target } from "@multi-openim/core";
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
  on<K extends keyof AccountClientEvents>(
    event: K,
    listener: (payload: AccountClientEvents[K]) => void,
  ): () => void;
  off<K extends keyof AccountClientEvents>(
    event: K,
    listener: (payload: AccountClientEvents[K]) => void,
  ): void;
  /** Plain text, or quoting a message and/or @-mentioning users (`options`). */
  sendText(target: string | Target, text: string, options?: TextOptions): Promise<SendResult>;
  /** Marks a conversation (`si_…` / `sg_…`, as in InboundMessage.conversationID) read up to its newest message. */
  markRead(conversationID: string): Promise<void>;
  sendImage(target: string | Target, source: MediaSource): Promise<SendResult>;
  sendVideo(target: string | Target, source: MediaSource): Promise<SendResult>;
  sendFile(target: string | Target, source: MediaSource): Promise<SendResult>;
  /** Logs in with a token obtained by hand (e.g. after `needs-login`). */
  setToken(token: string): Promise<AccountStatus>;
}
