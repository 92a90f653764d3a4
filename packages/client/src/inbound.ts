import {
  type CatchUpBounds,
  type CatchUpContext,
  catchUpAll,
  catchUpConversation,
  isChatConversation,
} from "./catch-up.js";
import { type Clock, type ClockTimer, realClock } from "./clock.js";
import type { HistoryApi } from "./history.js";
import { Ledger } from "./ledger.js";
import { conversationIdOf, isChatMessage } from "./normalize.js";
import type { MessageItem } from "./sdk-loader.js";

export interface InboundOptions {
  selfUserID: () => string;
  /**
   * Hands one message on. A returned promise holds the message's saved position (Ledger.hold) until it
   * resolves; a rejected one keeps holding it (the next start fetches it again) and is reported.
   */
  deliver: (item: MessageItem, fromCatchUp: boolean) => unknown;
  onError: (what: string, error: unknown) => void;
  queueTimeoutMs: number;
  maxPages?: number;
  bounds?: CatchUpBounds;
  onSkipped?: (conversationID: string, count: number, why: string) => void;
  /**
   * A live message that skips seqs our own sends' echoes are due to fill (the echo brings its seq in a
   * push milliseconds after the send, and a message pushed right behind it may overtake it) is handed on at
   * once; the skipped seqs are checked against history if those echoes have not come after this long.
   * Default 1,000 ms. A hole no echo of ours can fill is fetched before the message goes on, as always.
   */
  holeGraceMs?: number;
  /** Where "now" and the verify timer come from (default the real clock). */
  clock?: Clock;
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
  /** Our sends the server accepted whose echo (and so their seq) has not come yet, by clientMsgID. */
  private readonly echoesDue = new Map<string, { at: number; conversationID: string }>();
  /**
   * Per conversation, seqs a live message was handed on over, expected to be our echoes; `probe` is the
   * newest message above them (history pages back from it), `since` when the first was skipped.
   */
  private readonly unverified = new Map<
    string,
    { seqs: Map<number, () => void>; probe: MessageItem; since: number }
  >();
  private verifyTimer: ClockTimer | undefined;
  private readonly clock: Clock;
  /** Echoes that came before their send's answer (bounded): that answer must not wait for them again. */
  private readonly echoedEarly = new Set<string>();
  private readonly context: CatchUpContext;

  constructor(private readonly options: InboundOptions) {
    this.clock = options.clock ?? realClock;
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
    if (api && this.unverified.size > 0) this.scheduleVerify(0);
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
        if (!this.echoesDue.delete(item.clientMsgID)) {
          this.echoedEarly.add(item.clientMsgID);
          if (this.echoedEarly.size > 100) this.echoedEarly.delete(this.echoedEarly.values().next().value!);
        }
        this.ledger.markSeen(item.clientMsgID);
        const conversationID = conversationIdOf(item);
        if (isChatConversation(conversationID)) {
          this.ledger.noteOwn(conversationID, item.seq);
          this.verified(conversationID, item.seq);
        }
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
      this.ledger.caughtUp();
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
    this.ledger.caughtUpTime ??= since;
  }

  /** Releases the queue if it has waited longer than allowed (the SDK may never finish its sync). */
  checkQueueTimeout(now = this.clock.now()): void {
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
    if (this.holds.size === 0) this.heldSince = this.clock.now();
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
        if (this.echoesExplain(item)) {
          this.queue.shift();
          this.acceptOverHole(item);
          continue;
        }
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
    else if (item.clientMsgID && !this.echoedEarly.delete(item.clientMsgID)) {
      this.echoesDue.set(item.clientMsgID, { at: this.clock.now(), conversationID: conversationIdOf(item) });
      // Bounded: a sender whose echoes never come (and no hole to prune them) keeps the newest 1,000.
      for (const id of this.echoesDue.keys()) {
        if (this.echoesDue.size <= 1000) break;
        this.echoesDue.delete(id);
      }
    }
  }

  /** Whether echoes of ours still due in the item's conversation can fill every seq it skips. */
  private echoesExplain(item: MessageItem): boolean {
    const conversationID = conversationIdOf(item);
    const skipped = item.seq - (this.ledger.lastSeq(conversationID) ?? item.seq) - 1;
    const now = this.clock.now();
    let due = 0;
    for (const [id, echo] of this.echoesDue) {
      // An echo a minute late is not coming (a dropped push): it explains nothing any more.
      if (now - echo.at > 60_000) this.echoesDue.delete(id);
      else if (echo.conversationID === conversationID) due++;
    }
    return due >= skipped + (this.unverified.get(conversationID)?.seqs.size ?? 0);
  }

  /**
   * Hands on a message that skipped seqs our due echoes should fill, without waiting for them; the seqs are
   * remembered (and the saved position kept below them) until the echoes come or history is checked.
   */
  private acceptOverHole(item: MessageItem): void {
    const conversationID = conversationIdOf(item);
    const last = this.ledger.lastSeq(conversationID) ?? item.seq - 1;
    const entry = this.unverified.get(conversationID) ?? {
      seqs: new Map<number, () => void>(),
      probe: item,
      since: this.clock.now(),
    };
    for (let seq = last + 1; seq < item.seq; seq++)
      if (!entry.seqs.has(seq)) entry.seqs.set(seq, this.ledger.hold(conversationID, seq));
    entry.probe = item;
    this.unverified.set(conversationID, entry);
    this.accept(item, false);
    this.scheduleVerify(this.options.holeGraceMs ?? 1000);
  }

  /** An echo of ours came with `seq` (or history said what it was): one skipped seq less to check. */
  private verified(conversationID: string, seq: number): void {
    const entry = this.unverified.get(conversationID);
    const release = entry?.seqs.get(seq);
    if (!entry || !release) return;
    entry.seqs.delete(seq);
    release();
    if (entry.seqs.size === 0) this.unverified.delete(conversationID);
  }

  private scheduleVerify(delay: number): void {
    if (this.verifyTimer !== undefined) return;
    this.verifyTimer = this.clock.setTimeout(
      () => {
        this.verifyTimer = undefined;
        this.verifyDue();
      },
      delay,
      { unref: true },
    );
  }

  /** Skipped seqs whose echoes did not come in time: history says what they were; others' are delivered. */
  private verifyDue(): void {
    const grace = this.options.holeGraceMs ?? 1000;
    const now = this.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [conversationID, entry] of this.unverified) {
      const left = entry.since + grace - now;
      if (left > 0) {
        next = Math.min(next, left);
        continue;
      }
      const api = this.api;
      if (!api) continue; // no session now: setApi checks again once there is one
      entry.since = Number.POSITIVE_INFINITY; // in hand
      void this.serial(() => this.checkSkipped(api, conversationID, entry)).then((ok) => {
        if (this.unverified.get(conversationID) !== entry) return;
        // Seqs skipped meanwhile (or all of them, after a failed check) get their own wait.
        entry.since = ok ? this.clock.now() : this.clock.now() - grace / 2;
        this.scheduleVerify(grace);
      });
    }
    if (next < Number.POSITIVE_INFINITY) this.scheduleVerify(next);
  }

  private async checkSkipped(
    api: HistoryApi,
    conversationID: string,
    entry: { seqs: Map<number, () => void>; probe: MessageItem },
  ): Promise<void> {
    const checked = new Set(entry.seqs.keys());
    const lowest = Math.min(...checked);
    const found: MessageItem[] = [];
    let start: string | undefined = entry.probe.clientMsgID;
    for (let pages = 0; pages < this.context.maxPages; pages++) {
      const { messages, isEnd } = await api.page(conversationID, start, 20);
      found.push(...messages.filter((m) => checked.has(m.seq)));
      if (!messages[0] || isEnd || messages[0].seq <= lowest) break;
      start = messages[0].clientMsgID;
    }
    const self = this.options.selfUserID();
    for (const item of found.sort((a, b) => a.seq - b.seq)) {
      if (item.sendID === self) {
        this.echoesDue.delete(item.clientMsgID); // found: its echo is not awaited any more
        continue;
      }
      // Not an echo of ours: a message whose push was lost, handed on late rather than never.
      if (!item.clientMsgID || this.ledger.hasSeen(item.clientMsgID)) continue;
      this.ledger.markSeen(item.clientMsgID, item.sendTime);
      if (isChatMessage(item)) this.hand(conversationID, item, true);
    }
    // History is the server's truth: a seq it does not have (deleted, filtered) is not chased further.
    for (const seq of checked) this.verified(conversationID, seq);
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
    // Our own message through history (a catch-up): its echo, lost with the connection, is not awaited.
    if (item.sendID === this.options.selfUserID()) this.echoesDue.delete(item.clientMsgID);
    if (duplicate) return;
    this.ledger.markSeen(item.clientMsgID, item.sendTime);
    if (item.sendID === this.options.selfUserID() || !isChatMessage(item)) return;
    this.hand(conversationID, item, fromCatchUp);
  }

  private hand(conversationID: string, item: MessageItem, fromCatchUp: boolean): void {
    try {
      const safe = this.options.deliver(item, fromCatchUp) as PromiseLike<unknown> | undefined;
      if (safe && typeof safe.then === "function") {
        const release = this.ledger.hold(conversationID, item.seq, item.sendTime);
        safe.then(release, (error) => this.options.onError("deliver", error));
      }
    } catch (error) {
      this.options.onError("deliver", error);
    }
  }
}
