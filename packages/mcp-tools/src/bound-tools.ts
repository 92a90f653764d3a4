import { CHANNEL_ID, MultiOpenimError } from "@multi-openim/core";
import type { ToolsOptions } from "./definitions.js";
import { createOpenClawTools, type OpenClawTool, type OpenClawToolContext } from "./openclaw.js";
import type { Sender } from "./sender.js";

export interface BindingOptions extends ToolsOptions {
  /** True when the operator lets turns of `accountId` send from other accounts (tools.crossAccount). */
  crossAccountAllowed?: (accountId: string) => boolean;
}

/**
 * The tools for one agent turn (`api.registerTool((ctx) => tools)`): a turn that came in on one of our
 * accounts may only send through that account, unless the operator lifted it; turns from other channels,
 * the CLI or cron may name any account. A refused call throws before anything is sent.
 */
export function createBoundOpenClawTools(
  sender: Sender,
  ctx: OpenClawToolContext,
  options: BindingOptions = {},
): OpenClawTool[] {
  const tools = createOpenClawTools(sender, options);
  if (ctx.messageChannel !== CHANNEL_ID) return tools;
  // OpenClaw may hand the id lower-cased; configured ids never differ only in case (core refuses that).
  const raw = ctx.agentAccountId?.trim() ?? "";
  const turn = sender.knownAccounts().find((id) => id.toLowerCase() === raw.toLowerCase()) ?? raw;
  if (turn && options.crossAccountAllowed?.(turn)) return tools;
  return tools.map((tool) => ({
    ...tool,
    description: turn
      ? `${tool.description} This conversation arrived on account "${turn}": pass accountId "${turn}"; other accounts are refused here.`
      : tool.description,
    async execute(toolCallId, params, signal) {
      const asked = (params as { accountId?: unknown } | null)?.accountId;
      if (typeof asked === "string" && turn && asked.trim().toLowerCase() === turn.toLowerCase())
        return tool.execute(toolCallId, { ...(params as object), accountId: turn }, signal);
      throw new MultiOpenimError(
        "TOOL_ACCOUNT_REFUSED",
        turn
          ? `refused, nothing sent: this conversation came in on account "${turn}", so ${tool.name} may only send from accountId "${turn}" (got ${JSON.stringify(asked)}). The operator can allow cross-account sends with channels.${CHANNEL_ID}.accounts.${turn}.tools.crossAccount: true.`
          : `refused, nothing sent: this ${CHANNEL_ID} conversation has no account to send from.`,
      );
    },
  }));
}
