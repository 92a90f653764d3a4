import { CHANNEL_ID } from "@multi-openim/core";
import { accountRequiredError } from "./account-required.js";
import { chunkText, TEXT_CHUNK_LIMIT } from "./chunk.js";
import { mediaKindOf, mediaMaxBytesOf, resolveMediaSource, sendMediaTo } from "./media.js";
import { createMessageAdapter } from "./outbound-message.js";
import type { AccountRegistry } from "./registry.js";
import type { Sends } from "./sends.js";
import { requireTarget } from "./targets.js";
import { isVoice } from "./voice.js";

export interface OutboundTextContext {
  to: string;
  text: string;
  accountId?: string | null;
}
export interface OutboundMediaContext extends OutboundTextContext {
  mediaUrl?: string;
  mediaLocalRoots?: readonly string[];
  /** OpenClaw's config, for this channel's mediaMaxMb. */
  cfg?: { channels?: Record<string, { mediaMaxMb?: number } | undefined> };
  audioAsVoice?: boolean;
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
export interface OutboundDeps {
  registry: AccountRegistry;
  /** Sends by account id (sends.ts); during a reconnect they wait in the client's own queue. */
  sends: Sends;
  /** Folders local media may come from: the channel's mediaLocalRoots plus OpenClaw's media/temp dirs. */
  mediaRoots: () => string[];
  /** The configured account ids (of `cfg` when OpenClaw passes one), named when a send has none. */
  listAccounts?: (cfg?: unknown) => string[];
  /** A recovery check waits this long for its account to run before answering "ask again later". Default 30 s. */
  reconcileAccountWaitMs?: number;
  /** A recovery check that finds nothing reads history again after this (the SDK's may lag a login). Default 1.5 s. */
  reconcileSettleMs?: number;
}

export function createOutbound({ registry, sends, mediaRoots, listAccounts }: OutboundDeps) {
  const known = (cfg?: unknown) => [...new Set([...(listAccounts?.(cfg) ?? []), ...registry.ids()])].sort();
  const accountOf = (accountId: string | null | undefined): string => {
    const id = String(accountId ?? "").trim();
    if (!id) throw accountRequiredError(known());
    return id;
  };

  const sendText = async (ctx: OutboundTextContext): Promise<OutboundResult> => {
    const target = requireTarget(ctx.to);
    const accountId = accountOf(ctx.accountId);
    let last = "";
    for (const piece of chunkText(ctx.text, TEXT_CHUNK_LIMIT)) {
      const sent = await sends.run(accountId, `text to ${ctx.to}`, (client) =>
        client.sendText(target, piece),
      );
      last = sent.serverMsgID || sent.clientMsgID;
    }
    return { channel: CHANNEL_ID, messageId: last };
  };

  const sendMedia = async (ctx: OutboundMediaContext): Promise<OutboundResult> => {
    const target = requireTarget(ctx.to);
    const accountId = accountOf(ctx.accountId);
    if (!ctx.mediaUrl) return sendText(ctx);
    const url = ctx.mediaUrl;
    const roots = [...(ctx.mediaLocalRoots ?? []), ...mediaRoots()];
    const source = await resolveMediaSource(url, roots, mediaMaxBytesOf(ctx.cfg?.channels?.[CHANNEL_ID]));
    const voice = isVoice(url, ctx.audioAsVoice);
    const sent = await sends.run(accountId, `${voice ? "voice" : mediaKindOf(url)} to ${ctx.to}`, (client) =>
      voice ? client.sendSound(target, source) : sendMediaTo(client, target, mediaKindOf(url), source),
    );
    if (ctx.text?.trim()) await sendText(ctx);
    return { channel: CHANNEL_ID, messageId: sent.serverMsgID || sent.clientMsgID };
  };

  /** Checked before OpenClaw queues a send: a bad target or a missing account fails at once. */
  const resolveTarget = (params: { to?: string; accountId?: string | null; cfg?: unknown }) => {
    try {
      const target = requireTarget(params.to);
      if (!String(params.accountId ?? "").trim()) throw accountRequiredError(known(params.cfg));
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

/**
 * The channel's two outbound surfaces: `outbound` (sends, targets, chunking) and `message` (text sends
 * OpenClaw can reconcile after a crash: outbound-message.ts). OpenClaw sends text through `message`
 * when a channel has one, media through `outbound`.
 */
export function createOutboundAdapters(deps: OutboundDeps) {
  return { outbound: createOutbound(deps), message: createMessageAdapter(deps) };
}
