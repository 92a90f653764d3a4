/** The tool names, in one place: the plugin checks its manifest's contracts.tools against this list. */
export const MULTI_OPENIM_TOOL_NAMES = [
  "multi_openim_send_text",
  "multi_openim_send_image",
  "multi_openim_send_video",
  "multi_openim_send_file",
] as const;

export type MultiOpenimToolName = (typeof MULTI_OPENIM_TOOL_NAMES)[number];
