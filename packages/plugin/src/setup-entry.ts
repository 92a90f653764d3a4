import { CHANNEL_ID, channelConfigJsonSchema } from "@multi-openim/core";
import { defineSetupPluginEntry } from "openclaw/plugin-sdk/channel-core";
import { createConfigAdapter } from "./accounts.js";
import { CHANNEL_META } from "./channel.js";
import { ChannelConfigReader } from "./config.js";
import { createGroupsAdapter } from "./groups.js";
import { createSecurityAdapter, pairingAdapter } from "./security.js";

/**
 * The channel as OpenClaw's read-only commands load it (package.json `openclaw.setupEntry`): config,
 * security, pairing and groups, no connections. `openclaw security audit` sees an installed channel's
 * audit findings only through this entry.
 */
export function createReadOnlyChannel() {
  const reader = new ChannelConfigReader(() => undefined);
  return {
    id: CHANNEL_ID,
    meta: CHANNEL_META,
    capabilities: { chatTypes: ["direct", "group"] as ("direct" | "group")[] },
    configSchema: { schema: channelConfigJsonSchema },
    config: createConfigAdapter(reader),
    security: createSecurityAdapter(reader),
    pairing: pairingAdapter,
    groups: createGroupsAdapter(reader),
  };
}

const setupEntry = defineSetupPluginEntry(createReadOnlyChannel()) as { plugin: object };
export default setupEntry;
