import { isMultiOpenimError, MultiOpenimError, type Target } from "@multi-openim/core";
import { type Clock, sleepOn } from "./clock.js";
import type { HistoryApi } from "./history.js";
import type { MessageItem, OpenImSdk } from "./sdk-loader.js";
import { RELEASED_BY_CLIENT } from "./sdk-rejections.js";
import type { SdkSession } from "./session.js";
import { leftUntil, TimeoutError, withTimeout } from "./timeout.js";

/** A send that was issued but whose answer never came (socket lost, timeout): it may or may not be stored. */
export interface UnknownSend {
  to: Target;
  message: MessageItem;
  notOss: boolean;
  what: string;
  /**
   * The first attempt's call when it timed out on a socket that is still open: a slow server, not a lost
   * one. Its answer is awaited first (the SDK's cached seqs do not know the message yet, so history could
   * not find it); only if the socket dies meanwhile does the history check decide.
   */
  pending?: Promise<{ data: { serverMsgID?: string; sendTime?: number } | undefined }>;
}

export interface UnknownOutcomeDeps {
  /** Its deadline, timeouts and waits are on it (the client's clock). */
  clock: Clock;
  selfUserID: () => string;
  /** Budget for reconnecting, finding out and, if needed, resending. */
  timeoutMs: number;
  connectedSession(deadline: number): Promise<SdkSession>;
  /** True while the reconnected session has not caught up yet (the SDK's seqs are not fresh). */
  catchingUp(): boolean;
  /** Runs between catch-ups: they share the instance's history cursor. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  history(session: SdkSession): HistoryApi;
  log(message: string): void;
}

const PAGE = 20;
const MAX_PAGES = 5;
const MAX_ROUNDS = 3;

/** The rejections after which a send may have reached the server: our own release of hung requests, timeouts. */
export function isUnknownOutcome(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (!error || typeof error !== "object") return false;
  // The SDK's wrappers turn our release into its own network error shape (errCode 10000).
  return (
    (error as Record<symbol, unknown>)[RELEASED_BY_CLIENT] === true ||
    (error as { errCode?: unknown }).errCode === 10000
  );
}

export function conversationIdFor(selfUserID: string, to: Target): string {
  if (to.kind === "group") return `sg_${to.id}`;
  const [a, b] = [selfUserID, to.id].sort();
  return `si_${a}_${b}`;
}

/**
 * Settles a send with an unknown outcome exactly once: after a reconnect (and its catch-up, so the SDK's
 * seqs are fresh) the conversation's recent history is searched for the clientMsgID; found means the first
 * attempt was stored, absent means it was not, and the same message (same clientMsgID) is sent again.
 * A resend that again ends unknown goes round once more, at most MAX_ROUNDS times.
 */
export async function resolveUnknownSend(
  deps: UnknownOutcomeDeps,
  send: UnknownSend,
): Promise<{ serverMsgID: string; serverTime: number }> {
  const { clock } = deps;
  const deadline = clock.now() + deps.timeoutMs;
  const { clientMsgID } = send.message;
  const conversationID = conversationIdFor(deps.selfUserID(), send.to);
  if (send.pending) {
    try {
      const { data } = await withTimeout(send.pending, leftUntil(deadline, clock), send.what, clock);
      return { serverMsgID: data?.serverMsgID ?? "", serverTime: Number(data?.sendTime) || 0 };
    } catch (error) {
      if (error instanceof TimeoutError || !isUnknownOutcome(error)) throw error;
    }
  }
  let lastError: unknown;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const session = await deps.connectedSession(deadline).catch((error) => {
      // NOT_CONNECTED means "never sent" to callers, who may then send again (a new clientMsgID): this one
      // may well be stored, so it must not look like that.
      if (!isMultiOpenimError(error) || error.code !== "NOT_CONNECTED") throw error;
      throw new MultiOpenimError(
        "SEND_TIMEOUT",
        `${send.what} ${clientMsgID}: outcome unknown (no reconnect within ${deps.timeoutMs} ms to check it)`,
        { cause: error },
      );
    });
    while (deps.catchingUp() && clock.now() < deadline) await sleepOn(clock, 50);
    const api = deps.history(session);
    const found = await withTimeout(
      deps.exclusive(() => findInHistory(api, conversationID, send.message)),
      leftUntil(deadline, clock),
      `${send.what}: looking for ${clientMsgID} in history`,
      clock,
    );
    if (found) {
      deps.log(`${send.what} ${clientMsgID}: outcome was unknown; found on the server, not resent`);
      return { serverMsgID: found.serverMsgID ?? "", serverTime: Number(found.sendTime) || 0 };
    }
    deps.log(
      `${send.what} ${clientMsgID}: outcome was unknown; not on the server, resending (round ${round})`,
    );
    try {
      const { data } = await withTimeout(
        issue(session.sdk, send),
        leftUntil(deadline, clock),
        send.what,
        clock,
      );
      return { serverMsgID: data?.serverMsgID ?? "", serverTime: Number(data?.sendTime) || 0 };
    } catch (error) {
      if (!isUnknownOutcome(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function issue(sdk: OpenImSdk, send: UnknownSend) {
  const params = {
    recvID: send.to.kind === "user" ? send.to.id : "",
    groupID: send.to.kind === "group" ? send.to.id : "",
    message: send.message,
  };
  return send.notOss ? sdk.sendMessageNotOss(params) : sdk.sendMessage(params);
}

/** Newest pages first, back to shortly before the message was created. */
async function findInHistory(
  api: HistoryApi,
  conversationID: string,
  message: MessageItem,
): Promise<MessageItem | undefined> {
  const createdAt = Number(message.createTime) || 0;
  let start: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const { messages, isEnd } = await api.page(conversationID, start, PAGE);
    const hit = messages.find((m) => m.clientMsgID === message.clientMsgID);
    if (hit) return hit;
    const oldest = messages[0];
    // Clocks may differ a little between us and the server: a minute of slack.
    if (!oldest || isEnd || oldest.sendTime < createdAt - 60_000) return undefined;
    start = oldest.clientMsgID;
  }
  return undefined;
}
