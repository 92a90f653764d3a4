// `@multi-openim/mcp-tools/openclaw`: the tools for OpenClaw only. The MCP server (and with it
// @modelcontextprotocol/sdk, ~3,600 files and ~0.5 s of import) stays behind the package root and the
// bin, so a gateway that loads the plugin never pays for it.
export { type BindingOptions, createBoundOpenClawTools } from "./bound-tools.js";
export { MULTI_OPENIM_TOOL_NAMES, type MultiOpenimToolName } from "./names.js";
export {
  createOpenClawToolFactories,
  createOpenClawTools,
  type OpenClawTool,
  type OpenClawToolContext,
  type OpenClawToolResult,
} from "./openclaw.js";
export type { MediaSendOptions, MediaSource, Sender, SendOptions } from "./sender.js";
