export const CHANNEL_ID = "multi-openim";
export const PLUGIN_ID = "multi-openim-channel";
export const CHANNEL_LABEL = "Multi-OpenIM";
export const CHANNEL_ALIASES: readonly string[] = ["multi-openim-im", "mopenim"];
/** OpenIM's platform id for a web/JS client, the SDK's default. */
export const DEFAULT_PLATFORM_ID = 5;
export const DEFAULT_MARKER_PATH = "~/.openclaw/multi-openim/manual-login.json";

/** 0.1.0's single-account fields on the channel block (moved into a named account by `doctor --fix`). */
export const LEGACY_CHANNEL_FIELDS = ["token", "wsAddr", "apiAddr", "userID", "platformID"] as const;
