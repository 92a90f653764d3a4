import { CHANNEL_ID, channelConfigJsonSchema } from "@multi-openim/core";
import { defineSetupPluginEntry } from "openclaw/plugin-sdk/channel-core";
import { createConfigAdapter } from "./accounts.js";
import { CHANNEL_META } from "./channel.js";
import { ChannelConfigReader } from "./config.js";
import { createDoctorAdapter } from "./doctor-adapter.js";
import { createGroupsAdapter } from "./groups.js";
import { createSecurityAdapter, pairingAdapter } from "./security.js";
import { createSetupContract, PendingSetups } from "./setup-adapter.js";
import { removeAdapters } from "./setup-remove.js";
import { createSetupWizard } from "./setup-wizard.js";

/**
 * The channel as OpenClaw's setup and read-only commands load it (package.json `openclaw.setupEntry`):
 * config, security, pairing and groups, no connections. `openclaw security audit` sees an installed
 * channel's audit findings only through this entry, and `openclaw channels add` (with flags or in a
 * terminal) and `onboard` load this entry (`forceSetupOnlyChannelPlugins`) for the setup contract and
 * wizard: without them OpenClaw says the channel has no interactive setup and the flags path exits 1.
 */
export function createReadOnlyChannel() {
  const reader = new ChannelConfigReader(() => undefined);
  const pending = new PendingSetups();
  return {
    id: CHANNEL_ID,
    meta: CHANNEL_META,
    capabilities: { chatTypes: ["direct", "group"] as ("direct" | "group")[] },
    configSchema: { schema: channelConfigJsonSchema },
    config: { ...createConfigAdapter(reader), ...removeAdapters },
    setupContract: createSetupContract(pending),
    setupWizard: createSetupWizard({ reader, pending }),
    doctor: createDoctorAdapter(),
    security: createSecurityAdapter(reader),
    pairing: pairingAdapter,
    groups: createGroupsAdapter(reader),
  };
}

const setupEntry = defineSetupPluginEntry(createReadOnlyChannel()) as { plugin: object };
export default setupEntry;
