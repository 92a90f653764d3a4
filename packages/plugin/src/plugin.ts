import { CHANNEL_ID } from "@multi-openim/core";
import type { sharedRedisText } from "@multi-openim/token-refresh";
import { accessFor } from "./access-lookup.js";
import type { PluginAccount } from "./accounts.js";
import { createChannel } from "./channel.js";
import { ChannelConfigReader } from "./config.js";
import {
  answerDirectory,
  DIRECTORY_METHOD,
  type DirectoryRequest,
  type DirectoryTransport,
} from "./directory.js";
import { defaultMediaRoots } from "./media.js";
import { createPersistToken, type MutateConfigFile } from "./persist.js";
import { AccountRegistry } from "./registry.js";
import type { InboundChannelRuntime } from "./runtime-types.js";
import { createRegistrySender } from "./sender.js";
import { Sends } from "./sends.js";
import type { CreateAccountClient, Logger, TokenRefresherLike } from "./types.js";

/** The parts of OpenClaw's plugin `api` this plugin touches. */
export interface PluginApiLike {
  logger?: Logger;
  config?: unknown;
  runtime?: {
    channel?: unknown;
    config?: { mutateConfigFile?: MutateConfigFile; current?: () => unknown };
  };
  registerGatewayMethod?: (
    method: string,
    handler: (opts: {
      params: Record<string, unknown>;
      respond: (ok: boolean, payload?: unknown, error?: { code: string; message: string }) => void;
    }) => Promise<void> | void,
    opts?: { scope?: string },
  ) => void;
  registerTool?: (factory: (ctx: ToolFactoryContext) => unknown, opts?: { names?: string[] }) => void;
  registerCli?: (
    registrar: (ctx: { program: CommanderLike }) => void | Promise<void>,
    opts?: {
      commands?: string[];
      descriptors?: { name: string; description: string; hasSubcommands: boolean }[];
    },
  ) => void;
}

export interface ToolFactoryContext {
  config?: unknown;
  getRuntimeConfig?: () => unknown;
  /** The channel and account of the turn the tools run in (OpenClaw's tool-factory context). */
  messageChannel?: string;
  agentAccountId?: string;
}

/** What the tool factory hands `createTools`: the turn, and whether its account may send as others. */
export interface ToolTurn extends ToolFactoryContext {
  crossAccountAllowed: (accountId: string) => boolean;
}

export interface CommanderLike {
  command(name: string): CommanderLike;
  description(text: string): CommanderLike;
}

export type RegistrySender = ReturnType<typeof createRegistrySender>;

export interface PluginOptions {
  /**
   * Awaited once before the first account starts, so that `createClient` and `createRefresher` can stay
   * synchronous over modules loaded only then (entry.ts loads the client and token refresh here).
   */
  prepare?: () => Promise<void>;
  createClient: CreateAccountClient;
  createRefresher: (options: {
    account: PluginAccount;
    persistToken: (accountId: string, token: string, userID?: string) => Promise<void>;
    logger: Logger;
  }) => TokenRefresherLike;
  /** The four tools over a sender, bound to the turn's account (from @multi-openim/mcp-tools). */
  createTools?: (sender: RegistrySender, turn: ToolTurn) => unknown[];
  toolNames?: readonly string[];
  /** Adds `setup` (and friends) under `openclaw multi-openim` (from the `multi-openim` CLI package). */
  mountCli?: (command: CommanderLike) => void | Promise<void>;
  publishEveryMs?: number;
  healthIntervalMs?: number;
  /** Waits between inbound hand-off attempts (default 2 s, 5 s, 15 s). */
  inboundRetryDelaysMs?: number[];
  /** Tests only: how often an account looks for a dead-letter resubmit request (default 5 s). */
  resubmitPollMs?: number;
  /** How long an account's stop waits for its hand-offs under way to end (default 10 s). */
  handoffSettleMs?: number;
  /** OpenClaw's state dir for the crash journal (default from $OPENCLAW_STATE_DIR). */
  stateDir?: () => string;
  /** Sends by account id, waiting for an account between two clients (tests pass one with short limits). */
  sends?: Sends;
  /** Directory requests for accounts not running in this process (the CLI asks the gateway). */
  remoteDirectory?: DirectoryTransport;
  /** Shared registry; default a new one. The entry passes a process-wide one (see entry.ts). */
  registry?: AccountRegistry;
}

const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/** One plugin instance: its registry of running accounts, the channel, and the api hooks. */
export function createMultiOpenimPlugin(options: PluginOptions) {
  let api: PluginApiLike | undefined;
  const logger = (): Logger => api?.logger ?? consoleLogger;
  const registry = options.registry ?? new AccountRegistry();
  const reader = new ChannelConfigReader(logger);
  const currentConfig = () => api?.runtime?.config?.current?.() ?? api?.config;

  const persistToken = async (accountId: string, token: string, userID?: string) => {
    registry.rememberToken(accountId, token, userID);
    await createPersistToken({ mutateConfigFile: api?.runtime?.config?.mutateConfigFile, log: logger() })(
      accountId,
      token,
      userID,
    );
  };

  const configured = () => reader.read(currentConfig()).listed;
  const sends =
    options.sends ??
    new Sends({ registry, configured: () => [...configured(), ...registry.ids()], log: logger });
  // The channel's mediaLocalRoots plus OpenClaw's own media and temp folders (where agent files land).
  const mediaRoots = () => [
    ...(reader.read(currentConfig()).config?.mediaLocalRoots ?? []),
    ...defaultMediaRoots(options.stateDir?.()),
  ];
  // Token refresh's Redis text store, loaded with the account runtime (prepare) before any client exists.
  let redisText: typeof sharedRedisText | undefined;
  const channel = createChannel({
    sends,
    mediaRoots,
    reader,
    registry,
    prepare: async () => {
      const [tokenRefresh] = await Promise.all([import("@multi-openim/token-refresh"), options.prepare?.()]);
      redisText = tokenRefresh.sharedRedisText;
    },
    // With the Redis store the saved positions live there too: whoever takes the account over catches up.
    createClient: (account, clientOptions) => {
      const store = reader.read(currentConfig()).config?.store;
      if (store?.kind !== "redis") return options.createClient(account, clientOptions);
      if (!redisText) throw new Error("[multi-openim] the account runtime was not prepared");
      return options.createClient(account, {
        ...clientOptions,
        watermarkStorage: redisText(store, `watermarks:${account.accountId}`),
      });
    },
    createRefresher: (account) => options.createRefresher({ account, persistToken, logger: logger() }),
    fallbackRuntime: () => api?.runtime?.channel as InboundChannelRuntime | undefined,
    logger,
    ...(options.publishEveryMs !== undefined ? { publishEveryMs: options.publishEveryMs } : {}),
    ...(options.healthIntervalMs !== undefined ? { healthIntervalMs: options.healthIntervalMs } : {}),
    ...(options.inboundRetryDelaysMs ? { inboundRetryDelaysMs: options.inboundRetryDelaysMs } : {}),
    ...(options.resubmitPollMs ? { resubmitPollMs: options.resubmitPollMs } : {}),
    ...(options.handoffSettleMs !== undefined ? { handoffSettleMs: options.handoffSettleMs } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.remoteDirectory ? { remoteDirectory: options.remoteDirectory } : {}),
  });

  const sender = createRegistrySender(registry, () => reader.read(currentConfig()).listed, sends);

  return {
    channel,
    registry,
    sends,
    setApi(next: PluginApiLike) {
      api = next;
    },
    registerTools(next: PluginApiLike) {
      api = next;
      const createTools = options.createTools;
      if (!createTools || !next.registerTool) return;
      const crossAccountAllowed = (id: string) =>
        accessFor(reader, currentConfig(), id)?.access.crossAccountTools ?? false;
      next.registerTool(
        (ctx) => createTools(sender, { ...ctx, crossAccountAllowed }),
        options.toolNames ? { names: [...options.toolNames] } : undefined,
      );
    },
    /** `multi-openim.directory`: names for the CLI's `openclaw directory` and `--target <name>`. */
    registerGatewayMethods(next: PluginApiLike) {
      next.registerGatewayMethod?.(
        DIRECTORY_METHOD,
        async ({ params, respond }) => {
          try {
            respond(true, await answerDirectory(registry, params as unknown as DirectoryRequest));
          } catch (error) {
            respond(false, undefined, {
              code: "UNAVAILABLE",
              message: error instanceof Error ? error.message : String(error),
            });
          }
        },
        { scope: "operator.read" },
      );
    },
    registerCli(next: PluginApiLike) {
      const mount = options.mountCli;
      if (!mount || !next.registerCli) return;
      next.registerCli(
        ({ program }) =>
          mount(
            program
              .command(CHANNEL_ID)
              .description("Multi-OpenIM channel: set up accounts, check status, validate config"),
          ),
        {
          commands: [CHANNEL_ID],
          descriptors: [
            {
              name: CHANNEL_ID,
              description: "Multi-OpenIM channel: setup, status, validate",
              hasSubcommands: true,
            },
          ],
        },
      );
    },
  };
}
