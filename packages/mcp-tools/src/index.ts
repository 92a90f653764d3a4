export { type BindingOptions, createBoundOpenClawTools } from "./bound-tools.js";
export { createToolDefinitions, type ToolDefinition, type ToolsOptions } from "./definitions.js";
export { createMcpServer, type McpServerOptions } from "./mcp-server.js";
export {
  type CheckedMedia,
  checkMediaSource,
  DEFAULT_MAX_MEDIA_BYTES,
  type MediaPolicy,
} from "./media-policy.js";
export { MULTI_OPENIM_TOOL_NAMES, type MultiOpenimToolName } from "./names.js";
export {
  createOpenClawToolFactories,
  createOpenClawTools,
  type OpenClawTool,
  type OpenClawToolContext,
  type OpenClawToolResult,
} from "./openclaw.js";
export { outcomeText, type ToolFailure, type ToolOutcome, type ToolSuccess } from "./outcome.js";
export { createPoolSender, type SenderPool } from "./pool-sender.js";
export type { MediaSendOptions, MediaSource, Sender, SendOptions } from "./sender.js";
