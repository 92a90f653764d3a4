import type { createAccountClient } from "@multi-openim/client";
import { CHANNEL_LABEL, PLUGIN_ID } from "@multi-openim/core";
// The OpenClaw tools only: the package root would bring the MCP server and its SDK into every gateway.
import { createBoundOpenClawTools, MULTI_OPENIM_TOOL_NAMES } from "@multi-openim/mcp-tools/openclaw";
import type { createTokenRefresher } from "@multi-openim/token-refresh";
import { createChatChannelPlugin, defineChannelPluginEntry } from "openclaw/plugin-sdk/channel-core";
import { DIRECTORY_METHOD } from "./directory.js";
import { withNodeCheck } from "./node-version.js";
import { type CommanderLike, createMultiOpenimPlugin, type PluginApiLike } from "./plugin.js";
import { AccountRegistry } from "./registry.js";

/**
 * OpenClaw may load this module more than once in one gateway process (channel runtime, tool
 * discovery, outbound); all copies must see the same running accounts, so the registry is
 * process-wide.
 */
const REGISTRY_KEY = Symbol.for("multi-openim-channel.registry");
const globals = globalThis as { [REGISTRY_KEY]?: AccountRegistry };
globals[REGISTRY_KEY] ??= new AccountRegistry();
const registry = globals[REGISTRY_KEY];

/**
 * The account runtime: the client (with the OpenIM SDK) and token refresh. Loaded when the first account
 * starts (`prepare`), not when OpenClaw imports the plugin: a gateway loads this module several times
 * and a CLI command that only reads the config never starts an account.
 */
interface AccountRuntime {
  createAccountClient: typeof createAccountClient;
  createTokenRefresher: typeof createTokenRefresher;
}
let runtime: AccountRuntime | undefined;
const accountRuntime = (): AccountRuntime => {
  if (!runtime) throw new Error("[multi-openim] the account runtime was not prepared");
  return runtime;
};

/** The real wiring: the client package for connections, token-refresh for tokens, mcp-tools for tools, the CLI for setup. */
export const multiOpenim = createMultiOpenimPlugin({
  registry,
  prepare: async () => {
    const [client, tokenRefresh] = await Promise.all([
      import("@multi-openim/client"),
      import("@multi-openim/token-refresh"),
    ]);
    runtime ??= {
      createAccountClient: client.createAccountClient,
      createTokenRefresher: tokenRefresh.createTokenRefresher,
    };
  },
  createClient: (account, options) => accountRuntime().createAccountClient(account, options),
  createRefresher: ({ account, persistToken, logger }) =>
    accountRuntime().createTokenRefresher({
      tokenRefresh: account.channel?.tokenRefresh,
      // Refresh locks and state in Redis when the fleet shares one; webhook alerts when configured.
      ...(account.channel?.store ? { store: account.channel.store } : {}),
      ...(account.channel?.alerts ? { alerts: account.channel.alerts } : {}),
      persistToken,
      logger,
      accountInfo: () => account.resolved,
      ...(account.resolved ? { secrets: [account.resolved.token] } : {}),
    }),
  createTools: (sender, turn) => createBoundOpenClawTools(sender, turn, turn),
  toolNames: MULTI_OPENIM_TOOL_NAMES,
  remoteDirectory: async (request) => {
    const { callGatewayFromCli } = await import("openclaw/plugin-sdk/gateway-runtime");
    return callGatewayFromCli(DIRECTORY_METHOD, { json: true }, request);
  },
  // The setup wizard (commander, @clack/prompts, diff) only when OpenClaw builds its CLI, never in a gateway.
  mountCli: async (command) => {
    const { registerSetupCommands } = await import("multi-openim");
    registerSetupCommands(command as unknown as Parameters<typeof registerSetupCommands>[0]);
  },
});

type EntryOptions = Parameters<typeof defineChannelPluginEntry>[0];
type EntryApi = Parameters<NonNullable<EntryOptions["registerFull"]>>[0];
const asApi = (api: EntryApi) => api as unknown as PluginApiLike;

/** The channel object OpenClaw registers (typed loosely: the SDK's types are internal chunks). */
type ChatParams = Parameters<typeof createChatChannelPlugin>[0];
export const channelPlugin: object = createChatChannelPlugin({
  base: multiOpenim.channel as unknown as ChatParams["base"],
  security: multiOpenim.channel.security as unknown as ChatParams["security"],
  pairing: multiOpenim.channel.pairing,
});

/** What OpenClaw loads from this package's default export. */
export interface MultiOpenimPluginEntry {
  id: string;
  name: string;
  description: string;
  register: (api: never) => void;
}

// The Node check runs when OpenClaw registers the plugin, before any account starts.
const entry: MultiOpenimPluginEntry = withNodeCheck(
  defineChannelPluginEntry({
    id: PLUGIN_ID,
    name: CHANNEL_LABEL,
    description:
      "Many OpenIM accounts on many OpenIM servers from one gateway, tokens kept alive by config-driven refresh.",
    plugin: channelPlugin as Parameters<typeof createChatChannelPlugin>[0]["base"],
    setRuntime: () => {},
    registerCliMetadata: (api) => {
      multiOpenim.setApi(asApi(api));
      multiOpenim.registerCli(asApi(api));
    },
    registerFull: (api) => {
      multiOpenim.setApi(asApi(api));
      multiOpenim.registerTools(asApi(api));
      multiOpenim.registerGatewayMethods(asApi(api));
    },
  }),
);

export default entry;
export type { CommanderLike };
