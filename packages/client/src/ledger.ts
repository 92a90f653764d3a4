/**
 * What this account has already handed on: the last handled seq per conversation and a bounded memory of
 * clientMsgIDs (history and live deliveries share them). Survives session changes: that is the point.
 */
export class Ledger {
  private readonly handled = new Map<string, number>();
  private readonly seen = new Map<string, true>();
  /** Own messages' seqs above a conversation's handled seq, waiting for the seqs below them. */
  private readonly ownAhead = new Map<string, Set<number>>();
  /** Per conversation, a seq the saved position must not pass yet (seqs delivered over, still unverified). */
  private readonly floors = new Map<string, number>();
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
      this.handled.set(conversationID, this.absorbOwn(conversationID, seq));
      this.onChange?.();
    }
  }

  /**
   * An own message's seq (its echo): it raises the handled seq only when it is the next one, or once the
   * seqs below it are handled. Never skips over a seq nobody handled (that message would be lost).
   */
  noteOwn(conversationID: string, seq: number): void {
    if (!(seq > 0)) return;
    const last = this.handled.get(conversationID);
    if (last === undefined || seq <= last) return;
    if (seq === last + 1) {
      this.markSeq(conversationID, seq);
      return;
    }
    const ahead = this.ownAhead.get(conversationID) ?? new Set<number>();
    this.ownAhead.set(conversationID, ahead);
    if (ahead.size < 10_000) ahead.add(seq);
  }

  /** The handled seq after `seq`, carried on over own seqs that follow it without a gap. */
  private absorbOwn(conversationID: string, seq: number): number {
    const ahead = this.ownAhead.get(conversationID);
    if (!ahead) return seq;
    let top = seq;
    while (ahead.delete(top + 1)) top++;
    for (const s of ahead) if (s <= top) ahead.delete(s);
    if (ahead.size === 0) this.ownAhead.delete(conversationID);
    return top;
  }

  /** Positions saved by an earlier process (watermarks.ts). */
  restore(seqs: Record<string, number>, lastServerTime: number | undefined): void {
    for (const [conversationID, seq] of Object.entries(seqs)) this.markSeq(conversationID, seq);
    if (lastServerTime !== undefined) this.lastServerTime = lastServerTime;
  }

  /** What a restart goes on from: the handled seqs, each kept at or below its floor while one is set. */
  positions(): Record<string, number> {
    const positions = Object.fromEntries(this.handled);
    for (const [conversationID, floor] of this.floors) {
      const handled = positions[conversationID];
      if (handled !== undefined && handled > floor) positions[conversationID] = floor;
    }
    return positions;
  }

  /**
   * Keeps the saved position of a conversation at or below `seq` (undefined: no longer): a live message
   * was handed on over seqs not yet known to be ours, and a restart before they are checked must fetch them.
   */
  setFloor(conversationID: string, seq: number | undefined): void {
    if (seq === undefined) this.floors.delete(conversationID);
    else this.floors.set(conversationID, seq);
    this.onChange?.();
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
