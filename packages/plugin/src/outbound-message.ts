import { CHANNEL_ID, isMultiOpenimError } from "@multi-openim/core";
import { accountRequiredError } from "./account-required.js";
import { chunkText, TEXT_CHUNK_LIMIT } from "./chunk.js";
import type { OutboundDeps } from "./outbound.js";
import { requireTarget } from "./targets.js";
import type { InboundMessage, SendResult } from "./types.js";

/** What OpenClaw's message adapter passes to `send.text` (ChannelMessageSendTextContext, 2026.9.6), as used here. */
export interface MessageTextContext {
  to: string;
  text: string;
  accountId?: string | null;
  /** Present when OpenClaw queued this send durably and will ask `reconcileUnknownSend` after a crash. */
  deliveryQueueId?: string;
  deliveryPartIndex?: number;
  /** Marks the queued send "attempt started": called right before the message goes to the server. */
  onPlatformSendDispatch?: () => Promise<void>;
}

/** What OpenClaw's recovery passes to `reconcileUnknownSend` (ChannelMessageUnknownSendContext), as used here. */
export interface UnknownSendContext {
  queueId: string;
  to: string;
  accountId?: string | null;
  enqueuedAt: number;
  platformSendStartedAt?: number;
  payloads: readonly RecoveredPayload[];
  replyToId?: string | null;
  effectiveReplyToId?: string | null;
  threadId?: string | number | null;
  silent?: boolean;
}

interface RecoveredPayload {
  text?: string;
  mediaUrl?: string;
  mediaUrls?: readonly string[];
  replyToId?: string | null;
  isError?: boolean;
  audioAsVoice?: boolean;
  videoAsNote?: boolean;
  presentation?: unknown;
  interactive?: unknown;
  channelData?: unknown;
  location?: unknown;
}

export interface MessageReceipt {
  primaryPlatformMessageId?: string;
  platformMessageIds: string[];
  parts: { platformMessageId: string; kind: "text"; index: number }[];
  sentAt: number;
}

export type UnknownSendVerdict =
  | { status: "sent"; receipt: MessageReceipt; messageId?: string }
  | { status: "not_sent" }
  | { status: "unresolved"; error: string; retryable: boolean };

/** Chunks of one part beyond the first that a lookup also tries (a part is normally one message). */
const EXTRA_KEYS = { parts: 16, pieces: 4 };

/** The idempotency key of one message of a queued send: OpenClaw's queue id, its part, our chunk. */
export const deliveryKey = (queueId: string, part: number, piece: number) =>
  `openclaw-outbound/${queueId}/${part}/${piece}`;

/** The client's lookup helpers, loaded with the account runtime (never at the plugin's import). */
const sentLookup = () =>
  import("@multi-openim/client").then(({ findSentMessages, sendKeyClientMsgID }) => ({
    findSentMessages,
    sendKeyClientMsgID,
  }));

const platformId = (sent: Pick<SendResult, "serverMsgID" | "clientMsgID">) =>
  sent.serverMsgID || sent.clientMsgID;

function receiptOf(ids: string[], sentAt: number): MessageReceipt {
  return {
    ...(ids[0] ? { primaryPlatformMessageId: ids[0] } : {}),
    platformMessageIds: ids,
    parts: ids.map((platformMessageId, index) => ({ platformMessageId, kind: "text" as const, index })),
    sentAt,
  };
}

/**
 * Whether OpenClaw handed this send its queue id (deliveryQueueId), mirroring its rule (deliver-*.mjs,
 * `deliverOutboundPayloads`): one payload whose requirements fit what `durableFinal.capabilities`
 * declares — text only: no media, reply-to, thread, silent or structured payload. Only such sends carry
 * keyed clientMsgIDs, so only for them does "not found" mean "not sent".
 */
export function wasKeyedByOpenClaw(ctx: UnknownSendContext): boolean {
  if (ctx.payloads.length !== 1) return false;
  const payload = ctx.payloads[0] as RecoveredPayload;
  const media = Boolean(payload.mediaUrl) || (payload.mediaUrls ?? []).some(Boolean);
  const structured =
    payload.isError === true ||
    payload.audioAsVoice === true ||
    payload.videoAsNote === true ||
    [payload.presentation, payload.interactive, payload.channelData, payload.location].some(
      (part) => part !== undefined && part !== null,
    );
  const replyTo = ctx.replyToId != null || payload.replyToId != null;
  return !media && !structured && !replyTo && ctx.threadId == null && ctx.silent !== true;
}

/** A send refused before anything went out: OpenClaw may retry it without risking a duplicate. */
async function asNotDispatched(error: unknown): Promise<never> {
  if (!isMultiOpenimError(error) || error.code !== "NOT_CONNECTED") throw error;
  const sdk = await import("openclaw/plugin-sdk/error-runtime").catch(() => undefined);
  if (!sdk) throw error;
  throw new sdk.PlatformMessageNotDispatchedError(error.message, { cause: error, retryable: true });
}

/**
 * OpenClaw's message adapter for this channel: text sends that OpenClaw can reconcile after a crash.
 * A send OpenClaw queued durably gets its queue id; each of its messages then goes out with a clientMsgID
 * derived from that id, part and chunk (`sendKeyClientMsgID`). After a restart OpenClaw's recovery asks
 * `reconcileUnknownSend` about a send it had started: the conversation's history on the server says
 * whether those clientMsgIDs are there ("sent", with their ids), are provably absent ("not_sent": OpenClaw
 * replays it, with the same ids), or cannot be told ("unresolved"). Media keeps OpenClaw's outbound path.
 */
export function createMessageAdapter(deps: OutboundDeps) {
  const { registry, sends, listAccounts } = deps;
  const accountOf = (accountId: string | null | undefined): string => {
    const id = String(accountId ?? "").trim();
    if (!id)
      throw accountRequiredError([...new Set([...(listAccounts?.() ?? []), ...registry.ids()])].sort());
    return id;
  };

  const text = async (ctx: MessageTextContext) => {
    const target = requireTarget(ctx.to);
    const accountId = accountOf(ctx.accountId);
    const ids: string[] = [];
    const { sendKeyClientMsgID } = await sentLookup();
    for (const [piece, content] of chunkText(ctx.text, TEXT_CHUNK_LIMIT).entries()) {
      const key = ctx.deliveryQueueId
        ? deliveryKey(ctx.deliveryQueueId, ctx.deliveryPartIndex ?? 0, piece)
        : undefined;
      const sent = await sends
        .run(accountId, `text to ${ctx.to}`, async (client) => {
          await ctx.onPlatformSendDispatch?.();
          return key
            ? client.sendText(target, content, { clientMsgID: sendKeyClientMsgID(key) })
            : client.sendText(target, content);
        })
        .catch(asNotDispatched);
      ids.push(platformId(sent));
    }
    const receipt = receiptOf(ids, Date.now());
    return { messageId: ids.at(-1) ?? "", receipt };
  };

  const reconcileUnknownSend = async (ctx: UnknownSendContext): Promise<UnknownSendVerdict> => {
    const unresolved = (error: string, retryable = false) => ({
      status: "unresolved" as const,
      error: `[multi-openim] ${error}`,
      retryable,
    });
    if (!wasKeyedByOpenClaw(ctx)) {
      return unresolved("only single text sends carry ids the server can be asked about; not replayed");
    }
    const accountId = String(ctx.accountId ?? "").trim();
    if (!accountId) return unresolved("the queued send names no account");
    const target = requireTarget(ctx.to);
    const expected = chunkText(ctx.payloads[0]?.text ?? "", TEXT_CHUNK_LIMIT).length || 1;
    const keys: string[] = [];
    for (let part = 0; part < expected + EXTRA_KEYS.parts; part++)
      for (let piece = 0; piece < EXTRA_KEYS.pieces; piece++)
        keys.push(deliveryKey(ctx.queueId, part, piece));
    const { findSentMessages, sendKeyClientMsgID } = await sentLookup();
    const wanted = keys.map(sendKeyClientMsgID);
    const lookup = await sends
      .run(
        accountId,
        `recovery check of ${ctx.queueId}`,
        (client) => {
          const entry = registry.get(accountId);
          if (!entry) throw new Error(`account "${accountId}" stopped during the check`);
          return findSentMessages(client, {
            selfUserID: entry.account.userID,
            to: target,
            clientMsgIDs: wanted,
            since: ctx.platformSendStartedAt ?? ctx.enqueuedAt,
            ...(deps.reconcileSettleMs !== undefined ? { settleMs: deps.reconcileSettleMs } : {}),
          });
        },
        { maxWaitMs: deps.reconcileAccountWaitMs ?? 30_000 },
      )
      .catch((error: unknown) => error as Error);
    if (lookup instanceof Error) {
      return unresolved(`account "${accountId}" could not be asked yet: ${lookup.message}`, true);
    }
    const found = wanted.flatMap((id) => lookup.found.get(id) ?? []);
    const partsFound = new Set(
      found.map((message) => Math.floor(wanted.indexOf(message.clientMsgID) / EXTRA_KEYS.pieces)),
    );
    if (found.length === 0) {
      if (lookup.complete) return { status: "not_sent" };
      // An empty page is a session whose history has not synced yet: worth asking again later.
      return lookup.seen === 0
        ? unresolved(`account "${accountId}" answered with no history yet`, true)
        : unresolved("newer messages hide the send's time on the server; cannot tell whether it arrived");
    }
    const complete = Array.from({ length: expected }, (_, part) => part).every((part) =>
      partsFound.has(part),
    );
    if (!complete || partsFound.size !== expected) {
      return unresolved(`${partsFound.size} of ${expected} parts are on the server; not replayed`);
    }
    const ids = found.map((message: InboundMessage) => message.serverMsgID || message.clientMsgID);
    const sentAt = Math.max(...found.map((message) => message.serverTime));
    return { status: "sent", receipt: receiptOf(ids, sentAt), messageId: ids.at(-1) as string };
  };

  return {
    id: CHANNEL_ID,
    durableFinal: {
      capabilities: { text: true, reconcileUnknownSend: true },
      // OpenClaw then hands single text sends their queue id (deliveryQueueId) without being asked to.
      automaticUnknownSendReconciliation: true,
      reconcileUnknownSendKinds: { text: true },
      reconcileUnknownSend,
    },
    send: { text },
  };
}
