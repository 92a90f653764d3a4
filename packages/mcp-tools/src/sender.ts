/** Where a media message comes from: a public http(s) URL, or a local file the operator allowed. */
export type MediaSource = { url: string } | { path: string };

export interface SendOptions {
  /** Aborted when the caller (agent turn, MCP request) is cancelled. */
  signal?: AbortSignal;
}

export interface MediaSendOptions extends SendOptions {
  /** The name the recipient sees, when the model gave one. */
  fileName?: string;
}

/**
 * What the tools need from a connection layer, and nothing more: the tools know nothing of OpenClaw or the
 * OpenIM SDK. `target` is always normalized ("user:ID" / "group:ID"); each send resolves to the message id.
 */
export interface Sender {
  knownAccounts(): string[];
  isConnected(accountId: string): boolean;
  sendText(accountId: string, target: string, text: string, options?: SendOptions): Promise<string>;
  sendImage(
    accountId: string,
    target: string,
    source: MediaSource,
    options?: MediaSendOptions,
  ): Promise<string>;
  sendVideo(
    accountId: string,
    target: string,
    source: MediaSource,
    options?: MediaSendOptions,
  ): Promise<string>;
  sendFile(
    accountId: string,
    target: string,
    source: MediaSource,
    options?: MediaSendOptions,
  ): Promise<string>;
}
