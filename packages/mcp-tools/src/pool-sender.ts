import type { AccountPool, MediaSource as ClientMediaSource, SendResult } from "@multi-openim/client";
import type { MediaSendOptions, MediaSource, Sender } from "./sender.js";

/** The part of the client's AccountPool the tools use. */
export type SenderPool = Pick<AccountPool, "ids" | "get" | "require">;

function clientSource(source: MediaSource, options: MediaSendOptions = {}): ClientMediaSource {
  return "url" in source && options.fileName ? { url: source.url, name: options.fileName } : source;
}

/** The message id the tools report: the client-generated id, the one OpenIM uses to refer to a message. */
function idOf(result: SendResult): string {
  return result.clientMsgID || result.serverMsgID;
}

/** A Sender over the client package's AccountPool. */
export function createPoolSender(pool: SenderPool): Sender {
  const media =
    (kind: "sendImage" | "sendVideo" | "sendFile") =>
    async (accountId: string, target: string, source: MediaSource, options?: MediaSendOptions) => {
      const result = await pool.require(accountId)[kind](target, clientSource(source, options));
      return idOf(result);
    };
  return {
    knownAccounts: () => pool.ids(),
    isConnected: (accountId) => pool.get(accountId)?.status().connected === true,
    sendText: async (accountId, target, text) => idOf(await pool.require(accountId).sendText(target, text)),
    sendImage: media("sendImage"),
    sendVideo: media("sendVideo"),
    sendFile: media("sendFile"),
  };
}
