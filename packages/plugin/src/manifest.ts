import { CHANNEL_ID, CHANNEL_LABEL, channelConfigJsonSchema, PLUGIN_ID } from "@multi-openim/core";
import { MULTI_OPENIM_TOOL_NAMES } from "@multi-openim/mcp-tools/openclaw";

export const CLI_COMMAND = {
  name: CHANNEL_ID,
  description: "Multi-OpenIM channel: set up accounts, show status, validate the config",
  hasSubcommands: true,
};

/**
 * The content of openclaw.plugin.json, generated from core's zod schema and the tool names so the
 * manifest cannot drift from the code (manifest.test.ts fails when the file differs).
 */
export function buildManifest() {
  return {
    id: PLUGIN_ID,
    name: CHANNEL_LABEL,
    description:
      "OpenClaw channel for many OpenIM accounts on many OpenIM servers, with config-driven token refresh.",
    channels: [CHANNEL_ID],
    channelConfigs: {
      [CHANNEL_ID]: {
        schema: channelConfigJsonSchema,
        label: CHANNEL_LABEL,
        description: "Named OpenIM accounts (no default account), token refresh and inbound rules.",
        uiHints: {
          "accounts.*.token": { label: "OpenIM token (JWT)", sensitive: true },
          "accounts.*.wsAddr": { label: "OpenIM WebSocket address" },
          "accounts.*.apiAddr": { label: "OpenIM REST API address" },
          "accounts.*.requireMention": { label: "Reply in groups only when mentioned" },
          "accounts.*.inboundWhitelist": { label: "Only these senders trigger the agent" },
        },
      },
    },
    contracts: { tools: [...MULTI_OPENIM_TOOL_NAMES] },
    cliCommands: [CLI_COMMAND],
    // What dist/doctor-contract-api.mjs provides: the 0.1.0 config rules and their fix, no state
    // migrations. Declared, OpenClaw's doctor and gateway start load only that small module; undeclared,
    // each start also loaded the setup entry to look for a legacy state-migration detector (~370 ms
    // CPU, most of it OpenClaw copying the plugin into a capture folder).
    doctorContract: {
      configRepair: true,
      resolveSessionStoreAgentIds: false,
      sessionRouteStateOwners: false,
      stateMigrations: [],
    },
    configSchema: { type: "object", additionalProperties: false, properties: {} },
  };
}
