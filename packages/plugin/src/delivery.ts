import type { InboundJournal } from "./journal.js";
import type { InboundMessage, Logger } from "./types.js";

/**
 * The delivery's side of one turn: the turn (inbound.ts) tells it how far it got, so the journal
 * knows what a restart must replay and a failure may retry. One small object per attempt.
 */
export interface TurnRecorder {
  /** The message passed policy: kept on disk before anything else happens. */
  admitted(): Promise<void>;
  /**
   * OpenClaw adopted the turn (its user message is durable in the session, turn-adoption.ts): from here
   * on OpenClaw's own startup recovery owns it, and the journal marks it dispatched.
   */
  adopted(): Promise<void>;
  /** A reply went out (a failed turn with replies is never retried: it would answer twice). */
  replied(): void;
  /**
   * How many times this message was handed to OpenClaw before this attempt (a retry, a replay after a
   * restart, a resubmitted dead letter). OpenClaw remembers the message ids it took — its inbound dedupe
   * outlives a restart — and drops a second turn with the same id as "skipped:duplicate", so a message
   * handed over again goes with a distinct id (inbound.ts).
   */
  readonly handover: number;
}

export interface DeliveryDeps {
  accountId: string;
  journal: InboundJournal;
  log: Logger;
  /** Waits between attempts; a gateway that is not accepting work is retried at the last one until stop. */
  retryDelaysMs: readonly number[];
  abortSignal: AbortSignal;
  /** One attempt: policy, route, dispatch (inbound.ts), telling `recorder` how far it got. */
  attempt(message: InboundMessage, recorder: TurnRecorder): Promise<unknown>;
  /** A dead letter was added: status should be re-published. */
  changed(): void;
}

/**
 * OpenClaw refusing work for now: its restart drain ("Gateway is draining; new tasks are not accepted",
 * "gateway is draining for restart"), a runtime reset, not ready yet, its state lock held by another
 * OpenClaw process for a moment ("another OpenClaw process owns state-lifecycle", e.g. a CLI command),
 * or its state database shedding load (`SqliteWorkerError` "SQLite worker queue capacity reached", code
 * "overloaded", seen with a backlog of turns after a restart). Such a turn was never taken.
 */
export function isGatewayNotAccepting(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown; code?: unknown } | null;
  if (e?.name === "GatewayDrainingError") return true;
  if (e?.name === "SqliteWorkerError" && e.code === "overloaded") return true;
  return /gateway is draining|new tasks are not accepted|gateway runtime reset|not ready|no longer active|another OpenClaw process owns|queue capacity reached/i.test(
    String(e?.message ?? error),
  );
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Hands one admitted message to OpenClaw until it is answered, kept for later, or a dead letter:
 * - a gateway that is not accepting work (draining for a restart, not ready): the message goes back to
 *   `received` on disk at once (so a restart replays it) and is retried here until the account stops;
 * - any other failure before a reply went out: retried per `retryDelaysMs`, then a dead letter that
 *   status shows and an operator can resubmit (never only a log line);
 * - a failure after a reply went out is not retried (it would answer twice).
 */
export async function deliverInbound(
  deps: DeliveryDeps,
  message: InboundMessage,
  options: {
    handedOverBefore?: boolean;
    /** Called once the message is in the journal (the client may then save its position past it). */
    onSafe?: () => void;
  } = {},
): Promise<void> {
  const { journal, log, accountId } = deps;
  const id = message.clientMsgID;
  let replies = 0;
  let handover = options.handedOverBefore ? 1 : 0;
  const recorder: TurnRecorder = {
    admitted: async () => {
      await journal.received(message);
      options.onSafe?.();
    },
    adopted: () => journal.dispatched(id),
    replied: () => {
      replies += 1;
    },
    get handover() {
      return handover;
    },
  };
  for (let n = 1; ; n++, handover++) {
    if (n > 1 && deps.abortSignal.aborted) {
      await journal.requeue(message, "stopped before a retry").catch(() => undefined);
      log.warn(`[multi-openim] ${accountId}: inbound ${id} kept for the next start (stopped before a retry)`);
      return;
    }
    try {
      await deps.attempt(message, recorder);
      if (journal.seen(id)) journal.done(id).catch((e) => log.warn(`[multi-openim] journal: ${String(e)}`));
      return;
    } catch (error) {
      const reason = describe(error);
      if (replies > 0) {
        log.error(`[multi-openim] ${accountId}: inbound ${id} failed after a reply went out: ${reason}`);
        if (journal.seen(id)) await journal.done(id).catch(() => undefined);
        return;
      }
      const notAccepting = isGatewayNotAccepting(error);
      if (notAccepting || deps.abortSignal.aborted) {
        // On disk before anything else: the process may exit at any moment now.
        await journal.requeue(message, reason).catch((e) => log.warn(`[multi-openim] journal: ${String(e)}`));
      }
      if (deps.abortSignal.aborted) {
        log.warn(`[multi-openim] ${accountId}: inbound ${id} kept for the next start (${reason})`);
        return;
      }
      const last = deps.retryDelaysMs.length - 1;
      const delay = notAccepting ? deps.retryDelaysMs[Math.min(n - 1, last)] : deps.retryDelaysMs[n - 1];
      if (delay === undefined) {
        await journal
          .deadLetter(message, reason)
          .catch((e) => log.warn(`[multi-openim] journal: ${String(e)}`));
        log.error(
          `[multi-openim] ${accountId}: inbound ${id} failed after ${n} attempt(s): kept as a dead letter (status shows it; resubmit to answer it): ${reason}`,
        );
        deps.changed();
        return;
      }
      log.warn(`[multi-openim] ${accountId}: inbound ${id} failed (${reason}); retrying in ${delay} ms`);
      await sleep(delay, deps.abortSignal);
    }
  }
}

/**
 * One account's inbound delivery: a message already in the journal (answered, in flight, or OpenClaw's
 * restart recovery owns it) is skipped; any other is handed over by `deliverInbound`. Messages admitted
 * before a crash but never handed over are replayed once, on the first start only (a later restart
 * would replay messages still in flight); dead letters an operator resubmits are handed over again.
 */
export class InboundDelivery {
  private replayed = false;
  /** Hand-offs under way (received, replayed, resubmitted): a stop waits for them, bounded. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: DeliveryDeps) {}

  /**
   * Resolves once the message is safe: in the journal, or settled without needing it (refused by the
   * access policy, a duplicate). The client saves its position past the message only then, so a process
   * that dies before the journal write fetches the message again at its next start.
   */
  receive(message: InboundMessage): Promise<void> | undefined {
    const state = this.deps.journal.stateOf(message.clientMsgID);
    if (state) {
      this.deps.log.debug?.(
        `[multi-openim] ${this.deps.accountId}: duplicate ${message.clientMsgID} (${state}) skipped`,
      );
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.track(deliverInbound(this.deps, message, { onSafe: resolve }).finally(resolve));
    });
  }

  /**
   * Waits (at most `timeoutMs`) for the hand-offs under way to end: at a stop they end quickly (no retry
   * after the abort; a turn refused or failed goes back to `received` on disk), so what the client handed
   * on while stopping is in the journal, in the state the next start reads, before the process may exit.
   */
  async settled(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled(this.inFlight),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private track(handoff: Promise<void>): void {
    this.inFlight.add(handoff);
    void handoff.finally(() => this.inFlight.delete(handoff)).catch(() => undefined);
  }

  /** Admitted before a crash but never handed to OpenClaw: nobody else will answer these. */
  replayOnce(): void {
    if (this.replayed) return;
    this.replayed = true;
    for (const message of this.deps.journal.replayable()) {
      this.deps.log.info(
        `[multi-openim] ${this.deps.accountId}: replaying ${message.clientMsgID} interrupted before dispatch`,
      );
      this.track(deliverInbound(this.deps, message, { handedOverBefore: true }));
    }
  }

  async resubmit(ids: readonly string[] | undefined): Promise<void> {
    const messages = await this.deps.journal.resubmit(ids);
    this.deps.log.info(
      `[multi-openim] ${this.deps.accountId}: resubmitting ${messages.length} dead letter(s)`,
    );
    for (const message of messages)
      this.track(deliverInbound(this.deps, message, { handedOverBefore: true }));
  }
}
