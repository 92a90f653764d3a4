/**
 * Read marks, coalesced per conversation. The SDK's markConversationMessageAsRead looks up every
 * unread seq in its unbounded per-conversation message cache (a linear scan each), and marks made
 * while others are in flight all start from the same old hasReadSeq: one mark per inbound message
 * made a burst quadratic (measured: 60% of the plugin's inbound CPU, 95 msg/s). Marking a
 * conversation read once after a burst is the same to the sender.
 */
export interface ReadMarksOptions {
  markRead: (conversationID: string) => Promise<void>;
  /** A failed mark (the next message's mark tries again). */
  onError?: (conversationID: string, error: unknown) => void;
}

interface Slot {
  /** The mark running now (or last). */
  running: Promise<void>;
  /** The mark queued behind it, shared by every request made since `running` started. */
  queued: Promise<void> | null;
}

export class ReadMarks {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly options: ReadMarksOptions) {}

  /**
   * At most one mark per conversation is in flight; requests made meanwhile share one more mark,
   * started after it ends, so every message seen before a request is covered by a mark that starts
   * after it. Resolves when that mark has settled (never rejects: failures go to `onError`).
   */
  mark(conversationID: string): Promise<void> {
    let slot = this.slots.get(conversationID);
    if (!slot) {
      slot = { running: Promise.resolve(), queued: null };
      this.slots.set(conversationID, slot);
    }
    if (slot.queued) return slot.queued;
    const current = slot;
    const next = current.running.then(async () => {
      current.queued = null;
      try {
        await this.options.markRead(conversationID);
      } catch (error) {
        this.options.onError?.(conversationID, error);
      }
    });
    current.queued = next;
    current.running = next;
    void next.then(() => {
      if (current.running === next && this.slots.get(conversationID) === current) {
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
