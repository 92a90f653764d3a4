export {
  AT_ALL_TAG,
  ContentType,
  type FileContent,
  type ImageContent,
  type SendContent,
  type VideoContent,
} from "./content.js";
export type { DevServerCounters } from "./context.js";
export type { DevServerControls, TokenControlOptions } from "./controls.js";
export type { DevMessage } from "./dev-message.js";
export { DevServerError, type DevServerErrorCode, isDevServerError } from "./errors.js";
export type { InputStateRecord } from "./input-states.js";
export type { Target } from "./messaging.js";
export { type DevServer, type DevServerOptions, startDevServer } from "./server.js";
export { type DevGroup, type DevUser, SessionType, singleConversationID } from "./state.js";
export { type MintOptions, TokenErrCode } from "./tokens.js";
