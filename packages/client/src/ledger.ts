/**
 * What this account has already handed on: the last handled seq per conversation and a bounded memory of
 * clientMsgIDs (history and live deliveries share them). Survives session changes: that is the point.
 */
export class Ledger {
  private readonly handled = new Map<string, number>();
  private readonly seen = new Map<string, true>();
  /** Newest server sendTime handled so far (server clock, never compared with ours). */
  lastServerTime: number | undefined;
  /** Called when a handled seq or lastServerTime rises (the watermark store batches a write). */
  onChange: (() => void) | undefined;

  constructor(private readonly capacity = 20_000) {}

  lastSeq(conversationID: string): number | undefined {
    return this.handled.get(conversationID);
  }

  /** Raises the conversation's handled seq; never lowers it. */
  markSeq(conversationID: string, seq: number): void {
    if (!(seq > 0)) return;
    const last = this.handled.get(conversationID);
    if (last === undefined || seq > last) {
      this.handled.set(conversationID, seq);
      this.onChange?.();
    }
  }

  /** Positions saved by an earlier process (watermarks.ts). */
  restore(seqs: Record<string, number>, lastServerTime: number | undefined): void {
    for (const [conversationID, seq] of Object.entries(seqs)) this.markSeq(conversationID, seq);
    if (lastServerTime !== undefined) this.lastServerTime = lastServerTime;
  }

  positions(): Record<string, number> {
    return Object.fromEntries(this.handled);
  }

  hasSeen(clientMsgID: string): boolean {
    return this.seen.has(clientMsgID);
  }

  markSeen(clientMsgID: string, serverTime?: number): void {
    if (!clientMsgID) return;
    this.seen.delete(clientMsgID);
    this.seen.set(clientMsgID, true);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    if (serverTime && (this.lastServerTime === undefined || serverTime > this.lastServerTime)) {
      this.lastServerTime = serverTime;
      this.onChange?.();
    }
  }

  knownConversations(): number {
    return this.handled.size;
  }
}
