import type { MediaSendOptions, MediaSource, Sender, SendOptions } from "./sender.js";

export interface RecordedSend {
  kind: "text" | "image" | "video" | "file";
  accountId: string;
  target: string;
  text?: string;
  source?: MediaSource;
  options?: SendOptions | MediaSendOptions;
}

/**
 * The unit-test boundary: a Sender that records what the tools hand over. `failNext` makes a send throw,
 * so the tools' handling of sender errors is exercised with real thrown values.
 */
export function createRecordingSender(accounts: Record<string, { connected: boolean }>) {
  const sent: RecordedSend[] = [];
  let nextId = 1;
  let failWith: unknown;
  let failAfter = 0;
  const record = async (entry: RecordedSend): Promise<string> => {
    if (failWith !== undefined && failAfter-- <= 0) {
      const error = failWith;
      failWith = undefined;
      throw error;
    }
    sent.push(entry);
    return `msg-${nextId++}`;
  };
  const sender: Sender = {
    knownAccounts: () => Object.keys(accounts),
    isConnected: (id) => accounts[id]?.connected === true,
    sendText: (accountId, target, text, options) =>
      record({ kind: "text", accountId, target, text, options }),
    sendImage: (accountId, target, source, options) =>
      record({ kind: "image", accountId, target, source, options }),
    sendVideo: (accountId, target, source, options) =>
      record({ kind: "video", accountId, target, source, options }),
    sendFile: (accountId, target, source, options) =>
      record({ kind: "file", accountId, target, source, options }),
  };
  return {
    sender,
    sent,
    /** The next send (or the one after `after` successful sends) throws `error`. */
    failNext(error: unknown, after = 0) {
      failWith = error;
      failAfter = after;
    },
  };
}
