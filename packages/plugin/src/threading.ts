import type { ChannelConfigReader } from "./config.js";

/**
 * OpenClaw's `threading` adapter over our `replyToMode`: OpenClaw's reply options see the same mode the
 * replier applies (group replies quote the message they answer and @ the asker: first piece / every
 * piece / none). Direct chats never quote: there is only one person to answer. An agent's explicit
 * `[[reply_to_current]]` is honoured even with "off" (the replier quotes when a payload has replyToId).
 */
export function createThreading(reader: ChannelConfigReader) {
  return {
    resolveReplyToMode: ({ cfg, chatType }: { cfg: unknown; chatType?: string | null }) =>
      chatType === "direct" ? ("off" as const) : (reader.read(cfg).config?.replyToMode ?? "off"),
    allowExplicitReplyTagsWhenOff: true,
  };
}
