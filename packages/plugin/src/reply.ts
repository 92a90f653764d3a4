import type { ChannelConfig } from "@multi-openim/core";
import { chunkText, TEXT_CHUNK_LIMIT } from "./chunk.js";
import { mediaKindOf, mediaMaxBytesOf, resolveMediaSource, sendMediaTo } from "./media.js";
import type { ReplyPayloadLike } from "./runtime-types.js";
import type { Sends } from "./sends.js";
import type { AccountClient, InboundMessage, Logger, SendResult, TextOptions } from "./types.js";
import { isVoice } from "./voice.js";

export interface ReplyContext {
  client: AccountClient;
  log: Logger;
  channel?: Pick<ChannelConfig, "replyToMode" | "mediaMaxMb"> | undefined;
  sends?: Sends;
  mediaRoots: () => string[];
}

/**
 * The agent's replies to one inbound message, sent on the same account to the same conversation.
 * In groups with `replyToMode` "first" (the first text piece of the turn) or "all" (every piece),
 * the piece quotes the message it answers and @-mentions the asker; DMs and "off" send plain text.
 * Local media only from the allowed folders (real-path checked); a refused file is logged, the text
 * still goes out.
 */
export function createReplier(ctx: ReplyContext, message: InboundMessage) {
  const mode = ctx.channel?.replyToMode ?? "off";
  let quoted = 0;
  const send = <T>(what: string, op: (client: AccountClient) => Promise<T>): Promise<T> =>
    ctx.sends ? ctx.sends.run(message.accountId, what, op) : op(ctx.client);

  const optionsFor = (explicit: boolean): TextOptions | undefined => {
    if (message.kind !== "group") return undefined;
    if (!explicit && (mode === "off" || (mode === "first" && quoted > 0))) return undefined;
    quoted += 1;
    return {
      quote: {
        clientMsgID: message.clientMsgID,
        serverMsgID: message.serverMsgID,
        senderID: message.sender.userID,
        text: message.text,
        sendTime: message.serverTime,
      },
      atUserIDs: [message.sender.userID],
      atNames: { [message.sender.userID]: message.sender.nickname ?? message.sender.userID },
    };
  };

  return async (payload: ReplyPayloadLike): Promise<void> => {
    const media = [...(payload.mediaUrls ?? []), ...(payload.mediaUrl ? [payload.mediaUrl] : [])];
    for (const url of new Set(media)) {
      try {
        const source = await resolveMediaSource(url, ctx.mediaRoots(), mediaMaxBytesOf(ctx.channel));
        // A voice reply (TTS) is an OpenIM voice message (voice.ts), other media by kind.
        const voice = isVoice(url, payload.audioAsVoice);
        await send(`reply ${voice ? "voice" : mediaKindOf(url)}`, (client) =>
          voice
            ? client.sendSound(message.target, source)
            : sendMediaTo(client, message.target, mediaKindOf(url), source),
        );
      } catch (error) {
        ctx.log.warn(
          `[multi-openim] ${message.accountId}: reply media not sent: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    for (const piece of chunkText(payload.text ?? "", TEXT_CHUNK_LIMIT)) {
      // OpenClaw's threading (threading.ts) marks payloads that answer a message with replyToId.
      const options = optionsFor(Boolean(payload.replyToId));
      const name = message.sender.nickname ?? message.sender.userID;
      // The visible "@name" goes in the text; the mention itself is in atUserIDs.
      const text = options ? `@${name} ${piece}` : piece;
      await send<SendResult>("reply text", (client) =>
        options ? client.sendText(message.target, text, options) : client.sendText(message.target, text),
      );
    }
  };
}
