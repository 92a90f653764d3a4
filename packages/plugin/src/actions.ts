import { MultiOpenimError } from "@multi-openim/core";
import { conversationIdFor } from "./conversation-client.js";
import type { AccountRegistry } from "./registry.js";
import { requireTarget } from "./targets.js";
import type { InboundMessage } from "./types.js";

/**
 * What this channel does beyond sending, on OpenClaw's shared `message` action surface. Left out on
 * purpose: edit (OpenIM has no message edit), react/reactions, pin, poll (no such API in the SDK),
 * group management (rename, add/remove members: possible, but changing groups is not a bot's job here
 * and would need its own admission rules), search (the SDK searches only its local cache).
 */
export const SUPPORTED_ACTIONS = ["delete", "unsend", "read"] as const;
type Supported = (typeof SUPPORTED_ACTIONS)[number];

const READ_DEFAULT = 20;

export interface ActionContext {
  action: string;
  params: Record<string, unknown>;
  accountId?: string | null;
}

const result = (payload: unknown) => ({
  content: [{ type: "text" as const, text: JSON.stringify(payload, null, 2) }],
  details: payload,
});

const stringParam = (params: Record<string, unknown>, ...keys: string[]) => {
  for (const key of keys) {
    const value = params[key];
    if ((typeof value === "string" && value.trim()) || typeof value === "number") return String(value).trim();
  }
  return undefined;
};

/** One message as `message read` shows it. */
function readView(m: InboundMessage) {
  return {
    messageId: m.serverMsgID || m.clientMsgID,
    clientMsgID: m.clientMsgID,
    from: `user:${m.sender.userID}`,
    ...(m.sender.nickname ? { name: m.sender.nickname } : {}),
    text: m.text,
    ...(m.media.length > 0 ? { media: m.media.map((x) => x.kind) } : {}),
    timestamp: m.serverTime,
  };
}

/** OpenClaw's `actions` adapter: `openclaw message delete|read` and the agent's message tool. */
export function createActions(registry: AccountRegistry) {
  const handleAction = async (ctx: ActionContext) => {
    const action = ctx.action as Supported;
    if (!SUPPORTED_ACTIONS.includes(action))
      throw new MultiOpenimError(
        "TOOL_INPUT_INVALID",
        `[multi-openim] action "${ctx.action}" is not supported`,
      );
    const { account, client } = registry.require(ctx.accountId);
    const target = requireTarget(stringParam(ctx.params, "to", "target"));
    const conversationID = conversationIdFor(account.userID, target);
    if (action === "read") {
      const limit = Number(stringParam(ctx.params, "limit") ?? READ_DEFAULT);
      const messages = await client.recentMessages(
        conversationID,
        Number.isFinite(limit) ? limit : READ_DEFAULT,
      );
      return result({ ok: true, target: `${target.kind}:${target.id}`, messages: messages.map(readView) });
    }
    const messageId = stringParam(ctx.params, "messageId", "message_id");
    if (!messageId)
      throw new MultiOpenimError(
        "TOOL_INPUT_INVALID",
        `[multi-openim] ${action} needs --message-id <id> (the id a send returned)`,
      );
    await client.revokeMessage(conversationID, messageId);
    return result({ ok: true, deleted: messageId, target: `${target.kind}:${target.id}` });
  };

  return {
    describeMessageTool: () => ({ actions: ["send", ...SUPPORTED_ACTIONS] }),
    // "send" stays on OpenClaw's own path (outbound adapter, gateway delivery).
    supportsAction: ({ action }: { action: string }) =>
      (SUPPORTED_ACTIONS as readonly string[]).includes(action),
    // Only the gateway has the account connected; the CLI must not log in a second time.
    resolveExecutionMode: () => "gateway" as const,
    writeAuthorityActions: ["delete", "unsend"],
    handleAction,
  };
}
