import { join } from "node:path";
import { MultiOpenimError, type ResolvedAccount, resolveOpenClawStateDir } from "@multi-openim/core";
import { holdAccount } from "./account-lease.js";
import type { PluginAccount } from "./accounts.js";
import { resubmitRequestPath, watchResubmits, withDeadLetters } from "./dead-letters.js";
import { InboundDelivery } from "./delivery.js";
import { startHealthWatch } from "./health.js";
import { handleInbound, type InboundContext } from "./inbound.js";
import { InboundJournal } from "./journal.js";
import type { LookupAll } from "./net-guard.js";
import type { AccountRegistry } from "./registry.js";
import type { InboundChannelRuntime } from "./runtime-types.js";
import { claimSdkRejections } from "./sdk-rejections.js";
import type { Sends } from "./sends.js";
import { type ChannelSnapshot, toChannelSnapshot } from "./status.js";
import type {
  AccountClient,
  AccountStatus,
  CreateAccountClient,
  Logger,
  TokenRefresherLike,
} from "./types.js";

/** The part of OpenClaw's ChannelGatewayContext used here. */
export interface GatewayContext {
  cfg: unknown;
  accountId: string;
  account: PluginAccount;
  abortSignal: AbortSignal;
  log?: Logger;
  setStatus: (next: ChannelSnapshot) => void;
  channelRuntime?: unknown;
}

export interface GatewayDeps {
  registry: AccountRegistry;
  createClient: CreateAccountClient;
  /** One refresher per running account, built from that config's `tokenRefresh`. */
  createRefresher: (account: PluginAccount) => TokenRefresherLike;
  /** `api.runtime.channel`, used when the gateway passes no `channelRuntime`. */
  fallbackRuntime: () => InboundChannelRuntime | undefined;
  logger: () => Logger;
  /** Re-publish period for status (transport activity); default 60 s. */
  publishEveryMs?: number;
  /** Replaces `healthCheckIntervalMinutes` (tests only: the config's minimum is one minute). */
  healthIntervalMs?: number;
  /** OpenClaw's state dir (default $OPENCLAW_STATE_DIR or ~/.openclaw): the crash journal lives under it. */
  stateDir?: () => string;
  /** Tests only: DNS for the inbound media guard. */
  lookup?: LookupAll;
  /** Waits between attempts when handing a message to OpenClaw fails before any reply went out. */
  inboundRetryDelaysMs?: number[];
  /** Agent replies go out by account id (sends.ts). */
  sends?: Sends;
  /** Folders an agent reply's local media may come from. */
  mediaRoots?: () => string[];
  /** How often the account looks for a dead-letter resubmit request (dead-letters.ts). Default 5000. */
  resubmitPollMs?: number;
  /** How long a stop waits for the account's hand-offs under way to end (delivery.ts). Default 10000. */
  handoffSettleMs?: number;
}

/** `<stateDir>/multi-openim/inbound-<accountId>.json` (account ids are validated by core: safe file names). */
export function journalPath(stateDir: string, accountId: string): string {
  return join(stateDir, "multi-openim", `inbound-${accountId}.json`);
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/**
 * The account runner. `startAccount` runs exactly one account: its lease, refresher and client, a health
 * watch that replaces a silent client, status, and dead-letter resubmits; it holds until OpenClaw aborts
 * it, then stops only that client. OpenClaw restarts a returning `startAccount`, so returning early is a
 * bug. Inbound messages go to the account's delivery (delivery.ts: journal, retries, dead letters),
 * which hands each to `handleInbound` (inbound.ts: message → OpenClaw turn).
 */
export function createGateway(deps: GatewayDeps) {
  const startAccount = async (ctx: GatewayContext): Promise<void> => {
    const log = ctx.log ?? deps.logger();
    const { account } = ctx;
    if (!account.resolved) {
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[multi-openim] account "${ctx.accountId}" cannot start: ${account.reason ?? "not configured"}`,
      );
    }
    void claimSdkRejections(log); // not awaited: importing OpenClaw's runtime module takes seconds
    const runtime = (ctx.channelRuntime as InboundChannelRuntime | undefined) ?? deps.fallbackRuntime();
    const stateDir = deps.stateDir?.() ?? resolveOpenClawStateDir();
    /** What OpenClaw sees until the client has a status of its own (waiting for the lease, or logging in). */
    const starting = (): ChannelSnapshot => ({
      accountId: ctx.accountId,
      enabled: true,
      configured: true,
      running: true,
      connected: false,
      lifecycle: "starting",
    });
    const lease = await holdAccount(stateDir, ctx.accountId, log, {
      store: account.channel?.store,
      signal: ctx.abortSignal,
      onStandby: (lastError) => ctx.setStatus({ ...starting(), statusState: "standby", lastError }),
    });
    const refresher = deps.createRefresher(account);
    let client: AccountClient | undefined;
    let unsubscribe: (() => void)[] = [];
    const snapshot = (status: AccountStatus) =>
      withDeadLetters(toChannelSnapshot(status), journal.deadLetters());
    const publish = () => client && ctx.setStatus(snapshot(client.status()));
    const journal = await InboundJournal.open({ file: journalPath(stateDir, ctx.accountId), log });
    // What the current client's turns share (inbound.ts); replaced when a restart replaces the client.
    let turns: InboundContext | undefined;
    const delivery = new InboundDelivery({
      accountId: ctx.accountId,
      journal,
      log,
      retryDelaysMs: deps.inboundRetryDelaysMs ?? [2000, 5000, 15000],
      abortSignal: ctx.abortSignal,
      attempt: (message, recorder) => {
        if (!turns) throw new Error(`[multi-openim] ${ctx.accountId}: OpenClaw gave no channel runtime`);
        return handleInbound(turns, message, recorder);
      },
      changed: () => publish(),
    });

    const launch = async (): Promise<void> => {
      const resolved: ResolvedAccount = deps.registry.withLatestToken(account.resolved as ResolvedAccount);
      const { catchUpMaxAgeMinutes, catchUpMaxMessages } = account.channel ?? {};
      const next = deps.createClient(resolved, {
        tokenRefresher: refresher,
        logger: log,
        stateDir: join(stateDir, "multi-openim"),
        ...(catchUpMaxAgeMinutes !== undefined ? { catchUpMaxAgeMinutes } : {}),
        ...(catchUpMaxMessages !== undefined ? { catchUpMaxMessages } : {}),
      });
      client = next;
      deps.registry.add({ account: resolved, client: next });
      turns = runtime && {
        cfg: ctx.cfg,
        account: resolved,
        client: next,
        runtime,
        log,
        channel: account.channel,
        ...(deps.lookup ? { lookup: deps.lookup } : {}),
        ...(deps.sends ? { sends: deps.sends } : {}),
        mediaRoots: deps.mediaRoots ?? (() => []),
        abortSignal: ctx.abortSignal,
      };
      unsubscribe = [
        next.on("status", (status) => ctx.setStatus(snapshot(status))),
        next.on("message", (message) => delivery.receive(message)),
      ];
      await next.start();
      delivery.replayOnce();
    };

    const shutdown = async (): Promise<void> => {
      const current = client;
      if (current) {
        deps.registry.remove(ctx.accountId, current);
        // Listening until the client has stopped: a message it hands on while stopping goes to the
        // journal (kept for the next start), never to nobody while its position is saved.
        await current
          .stop()
          .catch((error) => log.warn(`[multi-openim] ${ctx.accountId}: stop failed: ${String(error)}`));
      }
      for (const off of unsubscribe) off();
      unsubscribe = [];
    };

    ctx.setStatus(starting());
    try {
      await launch();
    } catch (error) {
      const needsLogin = client?.status().auth === "needs-login";
      if (!needsLogin) {
        await shutdown();
        refresher.dispose?.();
        await lease.release();
        throw error;
      }
      // A dead token will not come back by restarting: stay blocked until the config changes.
      log.error(
        `[multi-openim] ${ctx.accountId}: needs a new login: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    publish();
    log.info(`[multi-openim] ${ctx.accountId}: running`);
    const healthMs = deps.healthIntervalMs ?? (account.channel?.healthCheckIntervalMinutes ?? 30) * 60_000;
    const stopWatch = startHealthWatch({
      client: () => client as AccountClient,
      intervalMs: healthMs,
      ...(deps.publishEveryMs !== undefined ? { publishEveryMs: deps.publishEveryMs } : {}),
      publish,
      restart: async () => {
        await shutdown();
        await launch();
      },
      log,
    });
    const stopResubmits = watchResubmits(
      resubmitRequestPath(stateDir, ctx.accountId),
      deps.resubmitPollMs ?? 5000,
      log,
      async (ids) => {
        await delivery.resubmit(ids);
        publish();
      },
    );
    try {
      // A lost lease (another process may take the account) ends this run like a stop; OpenClaw restarts it.
      await waitForAbort(AbortSignal.any([ctx.abortSignal, lease.lost]));
    } finally {
      stopResubmits();
      stopWatch();
      await shutdown();
      // In-process restarts (a config reload, the health watch) start a new runner on the same journal
      // file at once: what the old one writes after this would race the new one's read.
      await delivery.settled(deps.handoffSettleMs ?? 10_000);
      await journal.flush().catch(() => {});
      refresher.dispose?.();
      await lease.release();
      ctx.setStatus({
        accountId: ctx.accountId,
        enabled: true,
        configured: true,
        running: false,
        connected: false,
        lifecycle: "stopped",
      });
      log.info(`[multi-openim] ${ctx.accountId}: stopped`);
    }
  };

  /** Stops only this account's client; the held `startAccount` then ends on its abort signal. */
  const stopAccount = async (ctx: Pick<GatewayContext, "accountId">): Promise<void> => {
    const entry = deps.registry.get(ctx.accountId);
    if (!entry) return;
    deps.registry.remove(ctx.accountId, entry.client);
    await entry.client.stop();
  };

  return { startAccount, stopAccount };
}
