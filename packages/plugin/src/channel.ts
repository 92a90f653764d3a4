import { CHANNEL_ALIASES, CHANNEL_ID, CHANNEL_LABEL, channelConfigJsonSchema } from "@multi-openim/core";
import { createConfigAdapter } from "./accounts.js";
import type { ChannelConfigReader } from "./config.js";
import { createGateway, type GatewayDeps } from "./gateway.js";
import { defaultMediaRoots } from "./media.js";
import { createOutbound } from "./outbound.js";
import { SendQueue } from "./send-queue.js";
import { normalizeTarget } from "./targets.js";

export const CHANNEL_META = {
  id: CHANNEL_ID,
  label: CHANNEL_LABEL,
  selectionLabel: CHANNEL_LABEL,
  docsPath: `/channels/${CHANNEL_ID}`,
  blurb: "Many OpenIM accounts on many OpenIM servers, with tokens kept alive by config-driven refresh.",
  aliases: [...CHANNEL_ALIASES],
};

export interface ChannelDeps extends GatewayDeps {
  reader: ChannelConfigReader;
}

/**
 * The channel as OpenClaw sees it, minus the SDK helpers (entry.ts wraps it with
 * `createChatChannelPlugin`). Every piece closes over this plugin instance's registry.
 */
export function createChannel(input: ChannelDeps) {
  const queue =
    input.queue ??
    new SendQueue({ registry: input.registry, configured: () => input.registry.ids(), log: input.logger });
  const mediaRoots = input.mediaRoots ?? (() => defaultMediaRoots(input.stateDir?.()));
  const deps: ChannelDeps = { ...input, queue, mediaRoots };
  return {
    id: CHANNEL_ID,
    meta: CHANNEL_META,
    capabilities: { chatTypes: ["direct", "group"] as ("direct" | "group")[] },
    // Only our block restarts the channel, and only the account that changed (accounts are isolated).
    reload: { configPrefixes: [`channels.${CHANNEL_ID}`], accountScopedRestart: true },
    configSchema: { schema: channelConfigJsonSchema },
    config: createConfigAdapter(deps.reader),
    gateway: createGateway(deps),
    outbound: createOutbound({
      registry: deps.registry,
      queue,
      mediaRoots,
      listAccounts: (cfg) => (cfg === undefined ? [] : deps.reader.read(cfg).listed),
    }),
    messaging: {
      normalizeTarget,
      inferTargetChatType: ({ to }: { to: string }) =>
        normalizeTarget(to)?.startsWith("group:") ? "group" : "direct",
      targetResolver: {
        looksLikeId: (raw: string) => normalizeTarget(raw) !== undefined,
        hint: "user:<userID> | group:<groupID>",
      },
    },
  };
}
