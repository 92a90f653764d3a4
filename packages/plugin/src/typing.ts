import { conversationIdFor } from "./conversation-client.js";
import type { AccountRegistry } from "./registry.js";
import { requireTarget } from "./targets.js";
import type { AccountClient, InboundMessage, Logger } from "./types.js";

/**
 * Re-sent this often while a turn runs. The SDK sends "typing" at most once per 10 s per conversation
 * (it drops a repeat within that window) and the other side's SDK forgets it after 15 s: 11 s keeps
 * the indicator on without gaps and without dropped repeats.
 */
export const TYPING_KEEPALIVE_MS = 11_000;

/**
 * "typing…" for one turn (OpenClaw's reply-pipeline typing callbacks over the SDK's
 * `changeInputStates`), in direct chats only: OpenIM's apps show input states in single chats, and in
 * a group every member would see the bot typing for someone else's question.
 */
export function typingForTurn(client: AccountClient, message: InboundMessage, log: Logger) {
  if (message.kind !== "direct") return undefined;
  const set = (focus: boolean) => client.setTyping(message.conversationID, focus);
  return {
    start: () => set(true),
    stop: () => set(false),
    onStartError: (error: unknown) =>
      log.debug?.(
        `[multi-openim] ${message.accountId}: typing not shown: ${String((error as Error)?.message ?? error)}`,
      ),
    keepaliveIntervalMs: TYPING_KEEPALIVE_MS,
  };
}

export interface TypingParams {
  to: string;
  accountId?: string | null;
}

/** OpenClaw's `heartbeat` typing hooks (used around heartbeat-driven agent runs), DMs only like above. */
export function createHeartbeatTyping(registry: AccountRegistry) {
  const set = async (params: TypingParams, focus: boolean) => {
    const target = requireTarget(params.to);
    if (target.kind !== "user") return;
    const { account, client } = registry.require(params.accountId);
    await client.setTyping(conversationIdFor(account.userID, target), focus);
  };
  return {
    sendTyping: (params: TypingParams) => set(params, true),
    clearTyping: (params: TypingParams) => set(params, false),
  };
}
