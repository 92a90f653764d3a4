/**
 * Read marks, coalesced per conversation. The SDK's markConversationMessageAsRead looks up every
 * unread seq in its unbounded per-conversation message cache (a linear scan each), and marks made
 * while others are in flight all start from the same old hasReadSeq: one mark per inbound message
 * made a burst quadratic (measured in the plugin: 60% of its inbound CPU, 95 msg/s). Marking a
 * conversation read once after a burst is the same to the sender.
 */
interface Slot {
  /** The mark running now (or last); settled marks never reject here. */
  running: Promise<void>;
  /** The mark queued behind it, shared by every request made since `running` started. */
  queued: Promise<void> | null;
}

export class ReadMarks {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly markRead: (conversationID: string) => Promise<void>) {}

  /**
   * At most one mark per conversation is in flight; requests made meanwhile share one more mark,
   * started after it ends, so every message seen before a request is covered by a mark that starts
   * after it. Resolves when that mark has settled; a failed mark rejects every request sharing it,
   * and the next request marks again.
   */
  mark(conversationID: string): Promise<void> {
    let slot = this.slots.get(conversationID);
    if (!slot) {
      slot = { running: Promise.resolve(), queued: null };
      this.slots.set(conversationID, slot);
    }
    if (slot.queued) return slot.queued;
    const current = slot;
    const next = current.running.then(() => {
      current.queued = null;
      return this.markRead(conversationID);
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
