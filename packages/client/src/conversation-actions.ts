import { MultiOpenimError } from "@multi-openim/core";
import { readWith } from "./directory.js";
import { normalizeMessage } from "./normalize.js";
import type { MessageItem } from "./sdk-loader.js";
import { describeSdkError, type SendContext } from "./send.js";
import type { InboundMessage } from "./types.js";

/** At most this many messages per `recentMessages` call (one history page). */
export const RECENT_MAX = 100;

/**
 * Unsends one of the account's own messages for everyone (`revokeMessage` → `/msg/revoke_msg`; the
 * server tells the other side with a revoke notification). `messageId` is its clientMsgID or its
 * serverMsgID (what a send returned). The SDK revokes only from its message cache, which its own sends
 * never enter: a history page loads them (and maps a serverMsgID), once more after a short wait when
 * the send's echo (which moves the SDK's newest seq) had not arrived yet.
 */
export async function revokeMessage(
  ctx: SendContext,
  conversationID: string,
  messageId: string,
): Promise<void> {
  const revoke = (clientMsgID: string) =>
    readWith(ctx, "revokeMessage", (sdk) => sdk.revokeMessage({ conversationID, clientMsgID }));
  try {
    return await revoke(messageId);
  } catch (error) {
    if (!notCached(error)) throw error;
  }
  for (const waitMs of [0, 500]) {
    if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const page = await readWith(ctx, "getAdvancedHistoryMessageList", (sdk) =>
      sdk.getAdvancedHistoryMessageList({ conversationID, count: RECENT_MAX, startClientMsgID: "" }),
    );
    const found = (page?.messageList ?? []).find(
      (m) => m.clientMsgID === messageId || (m.serverMsgID && m.serverMsgID === messageId),
    );
    if (found) return revoke(found.clientMsgID);
  }
  throw new MultiOpenimError(
    "TARGET_INVALID",
    `[client] account=${ctx.accountId}: no message ${messageId} among the newest ${RECENT_MAX} of ${conversationID}`,
  );
}

/**
 * The newest `count` messages of a conversation (`getAdvancedHistoryMessageList`), oldest first, in
 * the inbound shape. Notifications and typing are left out.
 */
export async function recentMessages(
  ctx: SendContext,
  conversationID: string,
  count: number,
  self: { accountId: string; selfUserID: string },
): Promise<InboundMessage[]> {
  const n = Math.max(1, Math.min(RECENT_MAX, Math.floor(count) || 20));
  const data = await readWith(ctx, "getAdvancedHistoryMessageList", (sdk) =>
    sdk.getAdvancedHistoryMessageList({ conversationID, count: n, startClientMsgID: "" }),
  );
  const items: MessageItem[] = [...(data?.messageList ?? [])].sort((a, b) => a.seq - b.seq);
  return items
    .filter((item) => item.contentType < 1000 && item.contentType !== 113)
    .map((item) => normalizeMessage(item, { ...self, fromCatchUp: true }));
}

/**
 * Shows (focus) or clears the account's "typing…" in a conversation (`changeInputStates`: an
 * online-only typing message, never stored). The SDK sends "typing" at most once per 10 s per
 * conversation and "stopped" only after a "typing".
 */
export async function setTyping(ctx: SendContext, conversationID: string, focus: boolean): Promise<void> {
  await readWith(ctx, "changeInputStates", (sdk) => {
    // The SDK drops "stopped" when its own record of "typing" is older than 10 s (a long turn), and the
    // other side then shows typing until its 15 s timeout: renew the record so "stopped" is sent.
    const sent = (sdk as unknown as TypingInternals).messageTrigger?.typingManager?.send;
    if (!focus && sent && !sent.get(conversationID)) sent.set(conversationID, "stateCodeSuccess");
    return sdk.changeInputStates({ conversationID, focus });
  });
}

/** The SDK's per-conversation record of the typing state it last sent (a TTL cache, 10 s). */
interface TypingInternals {
  messageTrigger?: {
    typingManager?: { send?: { get(id: string): unknown; set(id: string, value: string): void } };
  };
}

function notCached(error: unknown): boolean {
  const cause = (error as { cause?: unknown })?.cause;
  return /message not exist/i.test(
    `${describeSdkError(error)} ${cause === undefined ? "" : describeSdkError(cause)}`,
  );
}
