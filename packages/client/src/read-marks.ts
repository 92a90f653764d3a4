/**
 * Read marks, coalesced per conversation. The SDK's markConversationMessageAsRead lists every seq from
 * the conversation's hasReadSeq to its maxSeq and looks each up in its unbounded per-conversation message
 * cache (a linear scan each): a burst made it quadratic (measured in the plugin: 60% of its inbound CPU at
 * one mark per message, still 27% of it with marks coalesced, the cache holding a few thousand messages).
 * A mark here is one request to the server's own route with the seqs handed on (send.ts `markRead`), and
 * marks made while one is in flight share one more, so a burst costs two requests.
 */
export interface ReadMark {
  /** Mark the conversation read up to this seq (the newest handled message in it). */
  upTo: number;
  /** The seqs of the messages it covers that were asked for by seq (servers before 3.8 mark those only). */
  seqs: number[];
}

interface Slot {
  /** The mark running now (or last); settled marks never reject here. */
  running: Promise<void>;
  /** The mark queued behind it, shared by every request made since `running` started. */
  queued: Promise<void> | null;
  /** What the queued mark will send, grown by each request until it starts. */
  pending: { upTo: number; seqs: Set<number> } | null;
}

/** Seqs one mark carries at most (the newest); `upTo` still covers every one before them. */
const MAX_SEQS_PER_MARK = 1000;

export class ReadMarks {
  private readonly slots = new Map<string, Slot>();

  /**
   * @param markRead sends one mark; `upTo` 0 means "as far as the client has handed on" (the caller
   * gave no seq).
   */
  constructor(private readonly markRead: (conversationID: string, mark: ReadMark) => Promise<void>) {}

  /**
   * At most one mark per conversation is in flight; requests made meanwhile share one more mark,
   * started after it ends, so every message seen before a request is covered by a mark that starts
   * after it. Resolves when that mark has settled; a failed mark rejects every request sharing it,
   * and the next request marks again.
   */
  mark(conversationID: string, seq?: number): Promise<void> {
    let slot = this.slots.get(conversationID);
    if (!slot) {
      slot = { running: Promise.resolve(), queued: null, pending: null };
      this.slots.set(conversationID, slot);
    }
    const current = slot;
    if (!current.pending) current.pending = { upTo: 0, seqs: new Set() };
    if (seq !== undefined && Number.isSafeInteger(seq) && seq > 0) {
      current.pending.upTo = Math.max(current.pending.upTo, seq);
      current.pending.seqs.add(seq);
    }
    if (current.queued) return current.queued;
    const next = current.running.then(() => {
      current.queued = null;
      const pending = current.pending ?? { upTo: 0, seqs: new Set<number>() };
      current.pending = null;
      const seqs = [...pending.seqs].sort((a, b) => a - b).slice(-MAX_SEQS_PER_MARK);
      return this.markRead(conversationID, { upTo: pending.upTo, seqs });
    });
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    current.queued = next;
    current.running = settled;
    void settled.then(() => {
      if (current.running === settled && this.slots.get(conversationID) === current) {
        this.slots.delete(conversationID);
      }
    });
    return next;
  }

  /** Conversations with a mark running or queued (bounded by the conversations active right now). */
  get busy(): number {
    return this.slots.size;
  }
}
