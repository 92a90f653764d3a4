import { CHANNEL_ID, MultiOpenimError } from "@multi-openim/core";
import { chunkText, TEXT_CHUNK_LIMIT } from "./chunk.js";
import { mediaKindOf, mediaSourceOf, sendMediaTo } from "./media.js";
import type { AccountRegistry } from "./registry.js";
import { requireTarget } from "./targets.js";

export interface OutboundTextContext {
  to: string;
  text: string;
  accountId?: string | null;
}
export interface OutboundMediaContext extends OutboundTextContext {
  mediaUrl?: string;
  mediaLocalRoots?: readonly string[];
}
export interface OutboundResult {
  channel: typeof CHANNEL_ID;
  messageId: string;
}

/**
 * OpenClaw's outbound adapter. "gateway" delivery: `openclaw message send` hands the message to the
 * gateway, where the account is connected, instead of logging in a second time in the CLI process
 * (which could kick the gateway's own session). An explicit account is always required.
 */
export function createOutbound(registry: AccountRegistry) {
  const sendText = async (ctx: OutboundTextContext): Promise<OutboundResult> => {
    const target = requireTarget(ctx.to);
    const { client } = registry.require(ctx.accountId);
    let last = "";
    for (const piece of chunkText(ctx.text, TEXT_CHUNK_LIMIT)) {
      const sent = await client.sendText(target, piece);
      last = sent.serverMsgID || sent.clientMsgID;
    }
    return { channel: CHANNEL_ID, messageId: last };
  };

  const sendMedia = async (ctx: OutboundMediaContext): Promise<OutboundResult> => {
    const target = requireTarget(ctx.to);
    const { client } = registry.require(ctx.accountId);
    if (!ctx.mediaUrl) return sendText(ctx);
    const sent = await sendMediaTo(
      client,
      target,
      mediaKindOf(ctx.mediaUrl),
      mediaSourceOf(ctx.mediaUrl, ctx.mediaLocalRoots ?? []),
    );
    if (ctx.text?.trim()) await sendText(ctx);
    return { channel: CHANNEL_ID, messageId: sent.serverMsgID || sent.clientMsgID };
  };

  /** Checked before OpenClaw queues a send: a bad target or a missing account fails at once. */
  const resolveTarget = (params: { to?: string; accountId?: string | null }) => {
    try {
      const target = requireTarget(params.to);
      if (!String(params.accountId ?? "").trim()) {
        throw new MultiOpenimError(
          "ACCOUNT_UNKNOWN",
          "[multi-openim] accountId is required (no default fallback)",
        );
      }
      return { ok: true as const, to: `${target.kind}:${target.id}` };
    } catch (error) {
      return { ok: false as const, error: error as Error };
    }
  };

  return {
    deliveryMode: "gateway" as const,
    resolveTarget,
    textChunkLimit: TEXT_CHUNK_LIMIT,
    chunker: (text: string, limit: number) => chunkText(text, limit),
    sendText,
    sendMedia,
  };
}
