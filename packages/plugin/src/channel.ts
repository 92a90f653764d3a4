import { CHANNEL_ALIASES, CHANNEL_ID, CHANNEL_LABEL, channelConfigJsonSchema } from "@multi-openim/core";
import { createConfigAdapter } from "./accounts.js";
import { createActions } from "./actions.js";
import { agentPrompt } from "./agent-prompt.js";
import type { createAuthAdapters } from "./auth-adapter.js";
import type { ChannelConfigReader } from "./config.js";
import { answerDirectory, createDirectory, type DirectoryTransport } from "./directory.js";
import { createDoctorAdapter } from "./doctor-adapter.js";
import type { createGateway, GatewayContext, GatewayDeps } from "./gateway.js";
import { createGroupsAdapter } from "./groups.js";
import { defaultMediaRoots } from "./media.js";
import { createOutboundAdapters } from "./outbound.js";
import { createNameResolver } from "./resolve-names.js";
import { createSecurityAdapter, pairingAdapter } from "./security.js";
import { Sends } from "./sends.js";
import { createSetupContract, PendingSetups } from "./setup-adapter.js";
import { removeAdapters } from "./setup-remove.js";
import { createSetupWizard } from "./setup-wizard.js";
import { createStatusAdapter } from "./status-adapter.js";
import { normalizeTarget } from "./targets.js";
import { createThreading } from "./threading.js";
import { createHeartbeatTyping } from "./typing.js";
import { VOICE_CAPABILITY } from "./voice.js";

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
  /** Directory requests for an account not running in this process (the CLI): the gateway's method. */
  remoteDirectory?: DirectoryTransport;
  /** Awaited once before the first account starts: loads what `createClient` / `createRefresher` need. */
  prepare?: () => Promise<void>;
}

/** A module loaded on first use, once (a failed load is tried again on the next use). */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

type AuthAdapters = ReturnType<typeof createAuthAdapters>;
type AccountGateway = ReturnType<typeof createGateway>;

/**
 * The channel as OpenClaw sees it, minus the SDK helpers (entry.ts wraps it with
 * `createChatChannelPlugin`). Every piece closes over this plugin instance's registry.
 */
export function createChannel(input: ChannelDeps) {
  const sends =
    input.sends ??
    new Sends({ registry: input.registry, configured: () => input.registry.ids(), log: input.logger });
  const mediaRoots = input.mediaRoots ?? (() => defaultMediaRoots(input.stateDir?.()));
  const deps: ChannelDeps = { ...input, sends, mediaRoots };
  // The account runtime (client, OpenIM SDK, leases, inbound with its HTTP media fetch) and the login
  // flow load when first used: a gateway pays for them when an account starts, a CLI command that only
  // reads the config never does.
  const gateway = onFirstUse<AccountGateway>(async () => {
    const [{ createGateway }] = await Promise.all([import("./gateway.js"), deps.prepare?.()]);
    return createGateway(deps);
  });
  const auth = onFirstUse<AuthAdapters>(async () =>
    (await import("./auth-adapter.js")).createAuthAdapters({ reader: deps.reader }),
  );
  const pendingSetups = new PendingSetups();
  // Names are looked up where the account is connected: here in the gateway, through it from the CLI.
  const directory: DirectoryTransport = (req) =>
    deps.registry.get(req.accountId) || !deps.remoteDirectory
      ? answerDirectory(deps.registry, req)
      : deps.remoteDirectory(req);
  const names = createNameResolver(directory);
  return {
    id: CHANNEL_ID,
    meta: CHANNEL_META,
    capabilities: {
      chatTypes: ["direct", "group"] as ("direct" | "group")[],
      media: true,
      reply: true,
      unsend: true,
      tts: { voice: VOICE_CAPABILITY },
    },
    // Only our block restarts the channel, and only the account that changed (accounts are isolated).
    reload: { configPrefixes: [`channels.${CHANNEL_ID}`], accountScopedRestart: true },
    configSchema: { schema: channelConfigJsonSchema },
    config: { ...createConfigAdapter(deps.reader), ...removeAdapters },
    setupContract: createSetupContract(pendingSetups),
    setupWizard: createSetupWizard({ reader: deps.reader, pending: pendingSetups }),
    gateway: {
      startAccount: async (ctx: GatewayContext) => (await gateway()).startAccount(ctx),
      stopAccount: async (ctx: Pick<GatewayContext, "accountId">) => (await gateway()).stopAccount(ctx),
      logoutAccount: async (params: Parameters<AuthAdapters["logoutAccount"]>[0]) =>
        (await auth()).logoutAccount(params),
    },
    auth: {
      login: async (params: Parameters<AuthAdapters["auth"]["login"]>[0]) =>
        (await auth()).auth.login(params),
    },
    doctor: createDoctorAdapter(),
    status: createStatusAdapter({ registry: deps.registry, reader: deps.reader }),
    ...createOutboundAdapters({
      registry: deps.registry,
      sends,
      mediaRoots,
      listAccounts: (cfg) => (cfg === undefined ? [] : deps.reader.read(cfg).listed),
    }),
    security: createSecurityAdapter(deps.reader),
    pairing: pairingAdapter,
    groups: createGroupsAdapter(deps.reader),
    directory: createDirectory(directory),
    actions: createActions(deps.registry),
    heartbeat: createHeartbeatTyping(deps.registry),
    threading: createThreading(deps.reader),
    agentPrompt,
    resolver: { resolveTargets: names.resolveTargets },
    messaging: {
      normalizeTarget,
      // A name (not user:/group:) has no kind until the directory says which it is.
      inferTargetChatType: ({ to }: { to: string }) => {
        const target = normalizeTarget(to);
        return target ? (target.startsWith("group:") ? "group" : "direct") : undefined;
      },
      targetResolver: {
        looksLikeId: (raw: string) => normalizeTarget(raw) !== undefined,
        hint: "user:<userID> | group:<groupID> | a unique nickname or group name",
        resolveTarget: names.resolveTarget,
      },
    },
  };
}
