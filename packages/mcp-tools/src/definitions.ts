import type { TSchema } from "@sinclair/typebox";
import { MULTI_OPENIM_TOOL_NAMES, type MultiOpenimToolName } from "./names.js";
import type { ToolOutcome } from "./outcome.js";
import { type RunOptions, runSendMedia, runSendText } from "./run.js";
import {
  sendFileParameters,
  sendImageParameters,
  sendTextParameters,
  sendVideoParameters,
} from "./schemas.js";
import type { Sender } from "./sender.js";

export interface ToolDefinition {
  name: MultiOpenimToolName;
  label: string;
  /** Written for a model: what the tool does, when to use it, the target format, that accountId is required. */
  description: string;
  parameters: TSchema;
  run(params: unknown, signal?: AbortSignal): Promise<ToolOutcome>;
}

export type ToolsOptions = RunOptions;

const TARGETS = 'Address the recipient as "user:<userID>" (direct chat) or "group:<groupID>" (group chat).';
const ACCOUNT =
  "accountId is required and must name one of the configured OpenIM accounts; there is no default account, so never guess one.";
const MEDIA =
  "Give the media as a public http(s) url; a local path works only inside folders the operator allowed.";

/** The four send tools, defined once over a Sender; the adapters (OpenClaw, MCP) only reshape them. */
export function createToolDefinitions(sender: Sender, options: ToolsOptions = {}): ToolDefinition[] {
  const [text, image, video, file] = MULTI_OPENIM_TOOL_NAMES;
  return [
    {
      name: text,
      label: "OpenIM: send text",
      description: `Send a text message on OpenIM from one of the configured accounts to a user or a group. Use it to message someone proactively; replies within the current conversation are delivered without it. ${TARGETS} ${ACCOUNT} Returns the message id.`,
      parameters: sendTextParameters,
      run: (params, signal) => runSendText(sender, params, { ...options, signal }),
    },
    {
      name: image,
      label: "OpenIM: send image",
      description: `Send an image (jpg, png, gif, webp) on OpenIM to a user or a group, optionally followed by a caption. ${MEDIA} ${TARGETS} ${ACCOUNT} Returns the message id.`,
      parameters: sendImageParameters,
      run: (params, signal) => runSendMedia(sender, "image", params, { ...options, signal }),
    },
    {
      name: video,
      label: "OpenIM: send video",
      description: `Send a video (mp4) on OpenIM to a user or a group, optionally followed by a caption. ${MEDIA} ${TARGETS} ${ACCOUNT} Returns the message id.`,
      parameters: sendVideoParameters,
      run: (params, signal) => runSendMedia(sender, "video", params, { ...options, signal }),
    },
    {
      name: file,
      label: "OpenIM: send file",
      description: `Send any file (document, archive, audio, ...) on OpenIM to a user or a group as a file attachment; use send_image / send_video for pictures and videos the recipient should see inline. ${MEDIA} ${TARGETS} ${ACCOUNT} Returns the message id.`,
      parameters: sendFileParameters,
      run: (params, signal) => runSendMedia(sender, "file", params, { ...options, signal }),
    },
  ];
}
