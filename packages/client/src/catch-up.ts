import type { HistoryApi } from "./history.js";
import type { Ledger } from "./ledger.js";
import { conversationIdOf } from "./normalize.js";
import type { MessageItem } from "./sdk-loader.js";

const PAGE = 20;

export interface CatchUpContext {
  ledger: Ledger;
  /** Hands one message on (dedup, own-echo and seq bookkeeping happen in the caller). */
  accept(item: MessageItem, fromCatchUp: boolean): void;
  /** Live messages waiting in the queue, to keep their seqs out of a first baseline. */
  queued(): readonly MessageItem[];
  maxPages: number;
  bounds: CatchUpBounds;
  /** Messages a catch-up left out because of the bounds, once per conversation and catch-up. */
  skipped(conversationID: string, count: number, why: string): void;
}

/** How far back a catch-up goes: older or more messages than this are skipped (and counted). */
export interface CatchUpBounds {
  maxAgeMs: number;
  /** Per conversation and catch-up. */
  maxMessages: number;
}

/** Notification conversations (sn_, n_) carry no chat: catch-up skips them. */
export function isChatConversation(conversationID: string): boolean {
  return conversationID.startsWith("si_") || conversationID.startsWith("sg_");
}

/**
 * Fetches what one conversation missed through the history API, back to the last handled seq, and hands
 * it on oldest first. A conversation with no handled seq is either a baseline (first catch-up after start:
 * remember its newest seq, deliver nothing old) or new since we were away (deliver what is newer than
 * anything we handled, by the server's clock).
 */
export async function catchUpConversation(
  api: HistoryApi,
  conversationID: string,
  context: CatchUpContext,
  mode: {
    baseline: boolean;
    watermark: number | undefined;
    /**
     * A live hole: the queued message that found it. Only the gap below it is fetched (paging back from
     * it) and handed on, whole (the bounds are for time spent away, not for a gap seen live); what is
     * newer comes through the live queue, so the handled seq never passes it here.
     */
    hole?: { seq: number; clientMsgID: string };
  },
): Promise<void> {
  const { ledger } = context;
  const last = ledger.lastSeq(conversationID);
  const maxSeq = api.maxSeq(conversationID);
  const hole = mode.hole;
  if (last !== undefined && maxSeq !== undefined && maxSeq <= last) return;
  if (last === undefined && mode.baseline) {
    const queuedSeqs = context
      .queued()
      .filter((m) => conversationIdOf(m) === conversationID && m.seq > 0)
      .map((m) => m.seq);
    const newest = maxSeq ?? (await api.page(conversationID, undefined, 1)).messages.at(-1)?.seq ?? 0;
    const baseline = Math.min(newest, ...queuedSeqs.map((s) => s - 1));
    ledger.markSeq(conversationID, baseline);
    return;
  }
  const { maxAgeMs, maxMessages } = context.bounds;
  const cutoff = Date.now() - maxAgeMs;
  const isFresh = (m: MessageItem) =>
    last !== undefined ? m.seq > last : mode.watermark === undefined || m.sendTime > mode.watermark;
  const collected: MessageItem[] = [];
  let bounded = false;
  let start: string | undefined = hole?.clientMsgID;
  for (let pages = 0; pages < context.maxPages; pages++) {
    const { messages: page, isEnd } = await api.page(conversationID, start, PAGE);
    const messages = hole ? page.filter((m) => m.seq < hole.seq) : page;
    collected.push(...messages);
    if (hole) {
      if (!messages[0] || isEnd || (last !== undefined && messages[0].seq <= last + 1)) break;
      start = messages[0].clientMsgID;
      continue;
    }
    const oldest = messages[0];
    if (!oldest || isEnd) break;
    if (last !== undefined && oldest.seq <= last + 1) break;
    if (last === undefined && mode.watermark !== undefined && oldest.sendTime <= mode.watermark) break;
    // Past a bound: what lies further back would be skipped anyway, so it is counted, not fetched.
    bounded = oldest.sendTime < cutoff || collected.filter(isFresh).length > maxMessages;
    if (bounded) break;
    start = oldest.clientMsgID;
  }
  const fresh = collected.filter(isFresh).sort((a, b) => a.seq - b.seq);
  if (hole) {
    for (const item of fresh) context.accept(item, true);
    const below = collected.reduce((max, m) => Math.max(max, m.seq), 0);
    if (below > 0) ledger.markSeq(conversationID, Math.min(below, hole.seq - 1));
    return;
  }
  const recent = fresh.filter((m) => m.sendTime >= cutoff);
  const kept = recent.slice(-maxMessages);
  // Seqs between the last handled one and the oldest fetched were never fetched: they count too.
  const unfetched = bounded && last !== undefined && fresh[0] ? Math.max(0, fresh[0].seq - last - 1) : 0;
  const skipped = fresh.length - kept.length + unfetched;
  if (skipped > 0) {
    const why = recent.length < fresh.length ? `older than ${maxAgeMs / 60_000} min` : `over ${maxMessages}`;
    context.skipped(conversationID, skipped, why);
  }
  for (const item of kept) context.accept(item, true);
  // History is the server's truth: gaps it does not fill (deleted, filtered) are not holes to chase.
  const newest = collected.reduce((max, m) => Math.max(max, m.seq), 0);
  ledger.markSeq(conversationID, newest);
}

/** Every chat conversation the SDK knows after its sync, each caught up in turn (one cursor per instance). */
export async function catchUpAll(
  api: HistoryApi,
  context: CatchUpContext,
  mode: { baseline: boolean },
): Promise<void> {
  // Not lastServerTime: an earlier catch-up cut short may have raised it past conversations it never reached.
  const watermark = context.ledger.caughtUpTime ?? context.ledger.lastServerTime;
  const ids = (await api.conversationIDs()).filter(isChatConversation);
  for (const id of ids) await catchUpConversation(api, id, context, { baseline: mode.baseline, watermark });
}
