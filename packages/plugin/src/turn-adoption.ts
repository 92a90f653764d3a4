/**
 * OpenClaw's turn-adoption hooks (`replyOptions.turnAdoptionLifecycle`, the same ones its durable
 * ingress drain binds with `bindIngressLifecycleToReplyOptions`): OpenClaw calls `onAdopted` once the
 * turn's user message is durable in the session (after `admitUserTurn`, before the model runs), so its
 * own startup recovery re-runs the turn after a crash from then on. Before that moment the turn lives
 * only in the gateway's memory: a crash or a drain that outlives the stop timeout loses it, so the
 * crash journal keeps the message `received` (replayed by the next start) until adoption.
 *
 * A turn queued behind another one of the same session (`onDeferred`) may be adopted after the dispatch
 * call returned; `settled()` waits for that, and fails when OpenClaw dropped the turn without taking it
 * (`onAbandoned`) or the account stops first, so the caller retries or keeps it for the next start.
 */
export interface TurnAdoption {
  /** Spread into the dispatch's `replyOptions`. */
  replyOptions: { turnAdoptionLifecycle: Record<string, unknown> };
  /** After the dispatch returned: resolves once nothing about the turn is pending any more. */
  settled(signal: AbortSignal): Promise<void>;
  readonly adopted: boolean;
}

export class TurnNotTakenError extends Error {
  override readonly name = "TurnNotTakenError";
}

export function trackTurnAdoption(onAdopted: () => Promise<void> | void): TurnAdoption {
  let adopted = false;
  let deferred = false;
  let abandoned = false;
  let wake: () => void = () => undefined;
  const changed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const lifecycle = {
    // One admission per message: never batched with another message into one queued turn.
    admission: "exclusive",
    onAdopted: async () => {
      if (adopted) return;
      adopted = true;
      try {
        await onAdopted();
      } finally {
        wake();
      }
    },
    onDeferred: () => {
      deferred = true;
      return true;
    },
    onAbandoned: () => {
      if (!adopted) abandoned = true;
      wake();
    },
    onSettled: () => wake(),
  };
  return {
    replyOptions: { turnAdoptionLifecycle: lifecycle },
    get adopted() {
      return adopted;
    },
    async settled(signal: AbortSignal): Promise<void> {
      if (deferred && !adopted && !abandoned) {
        if (signal.aborted) throw new TurnNotTakenError("stopped while the turn was queued in OpenClaw");
        await Promise.race([
          changed,
          new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
        ]);
        if (!adopted && !abandoned)
          throw new TurnNotTakenError("stopped while the turn was queued in OpenClaw");
      }
      if (abandoned && !adopted) throw new TurnNotTakenError("OpenClaw dropped the turn before taking it");
    },
  };
}

/** OpenClaw's marker on a dispatch result whose agent run failed (src/channels/turn/agent-run-terminal-outcome.ts). */
const AGENT_RUN_TERMINAL_OUTCOME = Symbol.for("openclaw.agentRunTerminalOutcome");

/**
 * OpenClaw's dispatch resolves normally when the agent run itself failed (a drain aborting the runs in
 * flight at a SIGTERM, a model error): its `dispatchResult` then carries the agent run's terminal outcome
 * "failed" under `Symbol.for("openclaw.agentRunTerminalOutcome")` (the diagnostic log says "message
 * dispatch completed … outcome=error"), or, where no run ended, no final reply with
 * `noVisibleReplyFallbackEligible` (not even the "no visible reply" notice went out) and no
 * `deliberateSilentTerminalReply`. If none of the turn's answers reached the sender (a failure notice is
 * not one: `isFailureNotice`), the caller hands the message over again like a failed hand-off (during a
 * drain that retry is refused, so the message stays received on disk and the next start replays it).
 * Seen on a real gateway: a SIGTERM aborts the runs in flight, each sender gets "⚠️ Gateway is
 * restarting. Please wait a few seconds and try again.", and the result carries "failed".
 */
export function turnWentUnanswered(result: unknown): boolean {
  const r = (result as { dispatchResult?: Record<string | symbol, unknown> } | null | undefined)
    ?.dispatchResult;
  if (!r || typeof r !== "object") return false;
  if (r[AGENT_RUN_TERMINAL_OUTCOME] === "failed") return true;
  const finals = (r.counts as { final?: number } | undefined)?.final ?? 0;
  return (
    r.noVisibleReplyFallbackEligible === true &&
    r.queuedFinal !== true &&
    finals === 0 &&
    r.deliberateSilentTerminalReply !== true &&
    r.deferredToActiveRun === undefined
  );
}

/** OpenClaw's notice when a restart aborts a turn (2026.9.6, reply-operation-abort / agent-runner). */
const RESTART_NOTICE = /^⚠️ Gateway is restarting\b/;

/**
 * A payload OpenClaw sends instead of an answer: a failed run's notice (`isError`, set by its
 * `markAgentRunFailureReplyPayload`) or the restart notice (sent without `isError` on one path). The
 * sender sees it; the message still counts as unanswered, so it is handed over again (after a restart,
 * the real answer follows the notice).
 */
export function isFailureNotice(payload: { isError?: boolean; text?: string }): boolean {
  return payload.isError === true || RESTART_NOTICE.test(payload.text ?? "");
}

export class TurnNotAnsweredError extends Error {
  override readonly name = "TurnNotAnsweredError";
}
