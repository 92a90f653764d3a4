import {
  type CatchUpBounds,
  type CatchUpContext,
  catchUpAll,
  catchUpConversation,
  isChatConversation,
} from "./catch-up.js";
import type { HistoryApi } from "./history.js";
import { Ledger } from "./ledger.js";
import { conversationIdOf, isChatMessage } from "./normalize.js";
import type { MessageItem } from "./sdk-loader.js";

export interface InboundOptions {
  selfUserID: () => string;
  deliver: (item: MessageItem, fromCatchUp: boolean) => void;
  onError: (what: string, error: unknown) => void;
  queueTimeoutMs: number;
  maxPages?: number;
  bounds?: CatchUpBounds;
  onSkipped?: (conversationID: string, count: number, why: string) => void;
  /**
   * How long a live seq that leaves a hole waits before its gap is fetched, while one of our own sends
   * is still waiting for its echo (the echo brings its seq in a push milliseconds after the send, and a
   * message that overtakes it would otherwise cost a history fetch). A hole with no echo of ours on its
   * way is fetched at once (a lost push, a seq no echo of ours brings). Default 50 ms: our echoes come
   * 10–20 ms after the send's answer on a loaded machine (10 ms lost own-echo.test's race).
   */
  holeGraceMs?: number;
}

/** catchUpMaxAgeMinutes 1440, catchUpMaxMessages 200. */
export const DEFAULT_CATCH_UP_BOUNDS: CatchUpBounds = { maxAgeMs: 1440 * 60_000, maxMessages: 200 };

/**
 * Lossless, duplicate-free inbound for one account (docs/openim.md, "Losing nothing"): live messages wait
 * in a queue while a catch-up runs (from OnConnecting until catch-up ends), catch-ups fetch gaps through
 * the history API, and everything passes one check — seen clientMsgID or seq at or below the last handled
 * one → dropped; own messages → seq recorded, not delivered; a seq that leaves a hole → fetch the gap first.
 */
export class InboundPipeline {
  readonly ledger = new Ledger();
  private readonly queue: MessageItem[] = [];
  private readonly holds = new Set<symbol>();
  private heldSince: number | undefined;
  private chain: Promise<void> = Promise.resolve();
  private api: HistoryApi | undefined;
  private baselineDone = false;
  private readonly holeChecked = new WeakSet<MessageItem>();
  private readonly holeSeenAt = new WeakMap<MessageItem, number>();
  /** Our sends the server accepted whose echo (and so their seq) has not come yet, by clientMsgID. */
  private readonly echoesDue = new Map<string, number>();
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly context: CatchUpContext;

  constructor(private readonly options: InboundOptions) {
    this.context = {
      ledger: this.ledger,
      accept: (item, fromCatchUp) => this.accept(item, fromCatchUp),
      queued: () => this.queue,
      maxPages: options.maxPages ?? 50,
      bounds: options.bounds ?? DEFAULT_CATCH_UP_BOUNDS,
      skipped: options.onSkipped ?? (() => undefined),
    };
  }

  /**
   * Positions an earlier process saved: the next catch-up goes on from them instead of taking a
   * baseline. A conversation that appeared meanwhile is delivered from `since` when nothing was handled.
   */
  restore(saved: { seqs: Record<string, number>; lastServerTime: number | undefined; since: number }): void {
    this.ledger.restore(saved.seqs, saved.lastServerTime ?? saved.since);
    this.baselineDone = true;
  }

  /** True while live messages wait for a catch-up (after a drop, until the new session caught up). */
  get held(): boolean {
    return this.holds.size > 0;
  }

  /** Runs `task` between catch-ups (they share the instance's single history cursor). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The live session's history, or undefined while there is none. */
  setApi(api: HistoryApi | undefined): void {
    this.api = api;
  }

  /** Stops handing live messages on until the next full catch-up (a session starts or reconnects). */
  hold(): void {
    this.holdToken();
  }

  live(items: readonly MessageItem[]): void {
    const self = this.options.selfUserID();
    for (const item of items) {
      // Own messages (echoes of our sends) are never delivered: only their seq matters, and it may fill a
      // hole that queued messages wait on, so it is taken at once (never past a seq nobody handled).
      if (item?.sendID === self && item.clientMsgID) {
        this.echoesDue.delete(item.clientMsgID);
        this.ledger.markSeen(item.clientMsgID);
        if (isChatConversation(conversationIdOf(item))) this.ledger.noteOwn(conversationIdOf(item), item.seq);
      } else {
        this.queue.push(item);
      }
    }
    this.drain();
  }

  /** After each OnSyncServerFinish: the first one sets baselines, later ones fetch what was missed. */
  /** Resolves true when it finished; on false the queue stays held and the caller should retry. */
  catchUpAll(api: HistoryApi): Promise<boolean> {
    this.hold();
    return this.serial(async () => {
      await catchUpAll(api, this.context, { baseline: !this.baselineDone });
      this.baselineDone = true;
      // A full catch-up covers every earlier hold.
      this.holds.clear();
      this.heldSince = undefined;
      this.drain();
    });
  }

  /**
   * The connection dropped before the first catch-up took its baseline (a drop during the first sync):
   * a baseline taken on a later session would swallow what arrived in between, so later catch-ups
   * deliver what the server stored after `since` (the client's start) instead.
   */
  baselineMissed(since: number): void {
    if (this.baselineDone) return;
    this.baselineDone = true;
    this.ledger.lastServerTime ??= since;
  }

  /** Releases the queue if it has waited longer than allowed (the SDK may never finish its sync). */
  checkQueueTimeout(now = Date.now()): void {
    if (this.heldSince !== undefined && now - this.heldSince > this.options.queueTimeoutMs) {
      this.holds.clear();
      this.heldSince = undefined;
      this.drain();
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  private holdToken(): symbol {
    const token = Symbol("hold");
    if (this.holds.size === 0) this.heldSince = Date.now();
    this.holds.add(token);
    return token;
  }

  /** One catch-up at a time; a failed one keeps its hold (the next full catch-up or the timeout frees it). */
  private serial(task: () => Promise<void>): Promise<boolean> {
    const run = this.chain.then(task).then(
      () => true,
      (error) => {
        this.options.onError("catch-up", error);
        return false;
      },
    );
    this.chain = run.then(() => undefined);
    return run;
  }

  private drain(): void {
    while (this.holds.size === 0 && this.queue.length > 0) {
      const item = this.queue[0]!;
      if (this.isHole(item) && !this.holeChecked.has(item) && this.api) {
        if (this.waitForEchoes(item)) return;
        this.holeChecked.add(item);
        const api = this.api;
        const conversationID = conversationIdOf(item);
        api.raiseMaxSeq(conversationID, item.seq);
        const token = this.holdToken();
        void this.serial(async () => {
          await catchUpConversation(api, conversationID, this.context, {
            baseline: false,
            watermark: this.ledger.lastServerTime,
            hole: { seq: item.seq, clientMsgID: item.clientMsgID },
          });
          this.holds.delete(token);
          if (this.holds.size === 0) this.heldSince = undefined;
          this.drain();
        });
        return;
      }
      this.queue.shift();
      this.accept(item, false);
    }
  }

  /** One of our sends was accepted by the server: its echo (with its seq) is on its way. */
  ownSent(item: MessageItem): void {
    if (item.seq > 0) this.live([item]);
    else if (item.clientMsgID) {
      this.echoesDue.set(item.clientMsgID, Date.now());
      // Bounded: a sender whose echoes never come (and no hole to prune them) keeps the newest 1,000.
      for (const id of this.echoesDue.keys()) {
        if (this.echoesDue.size <= 1000) break;
        this.echoesDue.delete(id);
      }
    }
  }

  /** True while a hole at the head of the queue is in its grace period (a timer drains again after it). */
  private waitForEchoes(item: MessageItem): boolean {
    const grace = this.options.holeGraceMs ?? 50;
    if (grace <= 0) return false;
    const now = Date.now();
    for (const [id, at] of this.echoesDue) if (now - at > grace) this.echoesDue.delete(id);
    if (this.echoesDue.size === 0) return false; // no echo of ours can fill it: fetch now
    const since = this.holeSeenAt.get(item);
    if (since === undefined) this.holeSeenAt.set(item, now);
    const left = (since ?? now) + grace - now;
    if (left <= 0) return false;
    if (this.graceTimer === undefined) {
      this.graceTimer = setTimeout(() => {
        this.graceTimer = undefined;
        this.drain();
      }, left);
      this.graceTimer.unref?.();
    }
    return true;
  }

  private isHole(item: MessageItem): boolean {
    const conversationID = conversationIdOf(item);
    if (!isChatConversation(conversationID) || !(item.seq > 0)) return false;
    const last = this.ledger.lastSeq(conversationID);
    return last !== undefined && item.seq > last + 1;
  }

  private accept(item: MessageItem, fromCatchUp: boolean): void {
    if (!item?.clientMsgID) return;
    const conversationID = conversationIdOf(item);
    const last = this.ledger.lastSeq(conversationID);
    const duplicate =
      this.ledger.hasSeen(item.clientMsgID) || (item.seq > 0 && last !== undefined && item.seq <= last);
    this.ledger.markSeq(conversationID, item.seq);
    if (duplicate) return;
    this.ledger.markSeen(item.clientMsgID, item.sendTime);
    if (item.sendID === this.options.selfUserID() || !isChatMessage(item)) return;
    try {
      this.options.deliver(item, fromCatchUp);
    } catch (error) {
      this.options.onError("deliver", error);
    }
  }
}
