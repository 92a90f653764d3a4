export { channelPlugin, default, multiOpenim } from "./entry.js";
export { buildManifest } from "./manifest.js";
export { createMultiOpenimPlugin, type PluginOptions } from "./plugin.js";
export type { AccountClient, AccountStatus, InboundMessage } from "./types.js";
