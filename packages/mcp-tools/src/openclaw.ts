import { CHANNEL_ID, MultiOpenimError } from "@multi-openim/core";
import type { TSchema } from "@sinclair/typebox";
import { createToolDefinitions, type ToolsOptions } from "./definitions.js";
import type { MultiOpenimToolName } from "./names.js";
import { outcomeText, type ToolSuccess } from "./outcome.js";
import type { Sender } from "./sender.js";

export interface OpenClawToolResult {
  content: { type: "text"; text: string }[];
  details: ToolSuccess;
}

/** The shape OpenClaw's `api.registerTool(tool)` takes (an AgentTool), without importing OpenClaw. */
export interface OpenClawTool {
  name: MultiOpenimToolName;
  label: string;
  description: string;
  parameters: TSchema;
  execute(toolCallId: string, params: unknown, signal?: AbortSignal): Promise<OpenClawToolResult>;
}

/**
 * The four tools for OpenClaw. A refused or failed send throws a MultiOpenimError whose message is the text
 * the model reads: OpenClaw's agent loop turns a throw into an error tool result ("throw on failure instead
 * of encoding errors in content"), so nothing crashes and the model can correct its call.
 */
export function createOpenClawTools(sender: Sender, options: ToolsOptions = {}): OpenClawTool[] {
  return createToolDefinitions(sender, options).map((tool) => ({
    name: tool.name,
    label: tool.label,
    description: tool.description,
    parameters: tool.parameters,
    async execute(_toolCallId, params, signal) {
      const outcome = await tool.run(params, signal);
      if (!outcome.ok) throw new MultiOpenimError(outcome.code, outcomeText(outcome));
      return { content: [{ type: "text", text: outcomeText(outcome) }], details: outcome };
    },
  }));
}

/** The part of OpenClaw's tool-factory context the tools read. */
export interface OpenClawToolContext {
  messageChannel?: string;
  agentAccountId?: string;
}

/**
 * The factory form, `api.registerTool((ctx) => tool)`: when the turn came in on one of our accounts, the
 * description names it so the model can pass it on purpose. accountId stays required: a hint, not a default.
 */
export function createOpenClawToolFactories(
  sender: Sender,
  options: ToolsOptions = {},
): ((ctx: OpenClawToolContext) => OpenClawTool)[] {
  return createOpenClawTools(sender, options).map((tool) => (ctx: OpenClawToolContext) => {
    const account = ctx.agentAccountId;
    if (ctx.messageChannel !== CHANNEL_ID || !account || !sender.knownAccounts().includes(account))
      return tool;
    const hint = ` This conversation arrived on account "${account}"; pass accountId "${account}" to send from the same account.`;
    return { ...tool, description: tool.description + hint };
  });
}
