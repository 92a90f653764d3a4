/**
 * What this account has already handed on: the last handled seq per conversation and a bounded memory of
 * clientMsgIDs (history and live deliveries share them). Survives session changes: that is the point.
 */
export class Ledger {
  private readonly handled = new Map<string, number>();
  private readonly seen = new Map<string, true>();
  /** Own messages' seqs above a conversation's handled seq, waiting for the seqs below them. */
  private readonly ownAhead = new Map<string, Set<number>>();
  /**
   * Seqs the saved position must stay below for now, per conversation, with how many holds each has: a
   * message handed on whose handler has not made it durable yet, a seq skipped and not yet verified.
   */
  private readonly holds = new Map<string, Map<number, number>>();
  /** Server times of held messages (with counts): the saved server time stays below them too. */
  private readonly heldTimes = new Map<number, number>();
  /** Newest server sendTime handled so far (server clock, never compared with ours). */
  lastServerTime: number | undefined;
  /**
   * Server time up to which every conversation was caught up: restored from the saved positions, raised
   * when a full catch-up completes. A conversation with no handled seq is new since this time: a catch-up
   * cut short (a kick, a drop, a crash) may have handled newer conversations first and raised
   * lastServerTime past older ones it never reached, so those are judged by this, not by lastServerTime.
   */
  caughtUpTime: number | undefined;
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
    if (lastServerTime !== undefined) {
      this.lastServerTime = lastServerTime;
      this.caughtUpTime = lastServerTime;
    }
  }

  /** What a restart goes on from: the handled seqs, each kept below its lowest held seq. */
  positions(): Record<string, number> {
    const positions = Object.fromEntries(this.handled);
    for (const [conversationID, seqs] of this.holds) {
      const handled = positions[conversationID];
      const below = Math.min(...seqs.keys()) - 1;
      if (handled !== undefined && handled > below) positions[conversationID] = below;
    }
    return positions;
  }

  /**
   * The server time a restart may treat as caught up to: the last full catch-up's (lastServerTime before
   * the first one completed), and below every held message's.
   */
  savedServerTime(): number | undefined {
    const time = this.caughtUpTime ?? this.lastServerTime;
    if (this.heldTimes.size === 0 || time === undefined) return time;
    return Math.min(time, Math.min(...this.heldTimes.keys()) - 1);
  }

  /** A full catch-up completed: everything the server had up to lastServerTime is handled. */
  caughtUp(): void {
    const time = this.lastServerTime;
    if (time !== undefined && (this.caughtUpTime === undefined || time > this.caughtUpTime)) {
      this.caughtUpTime = time;
      this.onChange?.();
    }
  }

  /**
   * Keeps the saved position of a conversation below `seq` (and the saved server time below `serverTime`)
   * until the returned release is called: a restart before then fetches that message again. Idempotent.
   */
  hold(conversationID: string, seq: number, serverTime?: number): () => void {
    if (!(seq > 0)) return () => undefined;
    const seqs = this.holds.get(conversationID) ?? new Map<number, number>();
    this.holds.set(conversationID, seqs);
    seqs.set(seq, (seqs.get(seq) ?? 0) + 1);
    const time = serverTime && serverTime > 0 ? serverTime : undefined;
    if (time !== undefined) this.heldTimes.set(time, (this.heldTimes.get(time) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (seqs.get(seq) ?? 1) - 1;
      if (left > 0) seqs.set(seq, left);
      else seqs.delete(seq);
      if (seqs.size === 0 && this.holds.get(conversationID) === seqs) this.holds.delete(conversationID);
      if (time !== undefined) {
        const times = (this.heldTimes.get(time) ?? 1) - 1;
        if (times > 0) this.heldTimes.set(time, times);
        else this.heldTimes.delete(time);
      }
      this.onChange?.();
    };
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
