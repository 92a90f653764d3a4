import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MultiOpenimError, parseTarget, type ResolvedAccount, type Target } from "@multi-openim/core";
import type { UnknownSendContext } from "./outbound-message.js";
import { createMultiOpenimPlugin, type PluginOptions } from "./plugin.js";
import type { DispatchParams, InboundChannelRuntime } from "./runtime-types.js";
import type { ChannelSnapshot } from "./status.js";
import type {
  AccountClient,
  AccountClientEvents,
  AccountStatus,
  DirectoryGroup,
  DirectoryUser,
  InboundMessage,
  Logger,
  MediaSource,
  SendResult,
  TextOptions,
} from "./types.js";

const targetOf = (target: string | Target): Target =>
  typeof target === "string" ? (parseTarget(target) as Target) : target;

/** The conversation id OpenIM gives a DM (`si_` + both user ids sorted) or a group (`sg_` + its id). */
export const conversationOf = (selfUserID: string, target: Target): string =>
  target.kind === "group" ? `sg_${target.id}` : `si_${[selfUserID, target.id].sort().join("_")}`;

/**
 * The client's AccountClient as a double: records sends (text, media, voice), typing and read marks,
 * lets the test push messages and status; directory reads answer from `groups` / `members`.
 */
export class FakeClient implements AccountClient {
  readonly accountId: string;
  readonly sent: {
    kind: string;
    target: Target;
    text?: string;
    source?: MediaSource;
    options?: TextOptions;
  }[] = [];
  /** What the server holds of this account's sends, as history answers it (`recentMessages`). */
  readonly stored: InboundMessage[] = [];
  readonly reads: string[] = [];
  /** The seq each read mark asked for (the handled message's), in order. */
  readonly readSeqs: (number | undefined)[] = [];
  private nextSeq = 0;
  readonly typing: { conversationID: string; focus: boolean }[] = [];
  readonly revoked: string[] = [];
  groups: DirectoryGroup[] = [];
  members: Record<string, DirectoryUser[]> = {};
  /**
   * While set (a reconnect in progress), sends wait, as the client's send queue makes them; a stop while
   * they wait fails them with NOT_CONNECTED (nothing sent), as the client does.
   */
  offline = false;
  /** Sends waiting for `offline` to clear. */
  waiting = 0;
  started = 0;
  stopped = 0;
  failStart?: Error;
  state: AccountStatus;
  private readonly listeners = {
    message: new Set<(m: InboundMessage) => void>(),
    status: new Set<(s: AccountStatus) => void>(),
  };

  constructor(readonly account: ResolvedAccount) {
    this.accountId = account.accountId;
    this.state = {
      accountId: account.accountId,
      enabled: true,
      configured: true,
      running: false,
      connected: false,
      lastError: null,
      auth: "ok",
      reconnects: 0,
    };
  }

  on<K extends keyof AccountClientEvents>(
    event: K,
    listener: (payload: AccountClientEvents[K]) => void,
  ): () => void {
    const set = this.setOf(event);
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  off<K extends keyof AccountClientEvents>(
    event: K,
    listener: (payload: AccountClientEvents[K]) => void,
  ): void {
    this.setOf(event).delete(listener as (payload: never) => void);
  }

  private setOf(event: PropertyKey): Set<(payload: never) => void> {
    const set = this.listeners[event as "message" | "status"] as Set<(payload: never) => void> | undefined;
    if (!set) throw new Error(`FakeClient: no event "${String(event)}"`);
    return set;
  }

  async start(): Promise<AccountStatus> {
    this.started += 1;
    if (this.failStart) throw this.failStart;
    this.setStatus({
      running: true,
      connected: true,
      lastConnectedAt: Date.now(),
      lastTransportActivityAt: Date.now(),
    });
    return this.status();
  }

  async stop(): Promise<void> {
    this.stopped += 1;
    this.setStatus({ running: false, connected: false });
  }

  setStatus(patch: Partial<AccountStatus>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners.status) l({ ...this.state });
  }

  push(
    message: Partial<InboundMessage> & Pick<InboundMessage, "kind" | "text">,
    senderID = "alice",
  ): InboundMessage {
    const full: InboundMessage = {
      accountId: this.account.accountId,
      conversationID: "c1",
      target:
        message.kind === "group"
          ? { kind: "group", id: message.groupID ?? "g1" }
          : { kind: "user", id: senderID },
      sender: { userID: senderID },
      contentType: 101,
      mentionsSelf: false,
      mentionsAll: false,
      mentionedUserIDs: [],
      quotesSelf: false,
      media: [],
      serverTime: 1,
      clientMsgID: `m${Math.random()}`,
      serverMsgID: "",
      seq: ++this.nextSeq,
      fromCatchUp: false,
      ...message,
    };
    for (const l of this.listeners.message) l(full);
    return full;
  }

  get listenerCount(): number {
    return this.listeners.message.size + this.listeners.status.size;
  }

  status(): AccountStatus {
    return { ...this.state };
  }

  private async record(
    kind: string,
    to: string | Target,
    extra: { text?: string; source?: MediaSource; options?: TextOptions },
  ): Promise<SendResult> {
    const target = targetOf(to);
    if (this.offline) {
      this.waiting += 1;
      try {
        while (this.offline) {
          if (!this.state.running) {
            throw new MultiOpenimError(
              "NOT_CONNECTED",
              `[client] account=${this.account.accountId}: the account stopped while the send waited for a connection (nothing was sent)`,
            );
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        this.waiting -= 1;
      }
    }
    this.sent.push({ kind, target, ...extra });
    const result = {
      accountId: this.account.accountId,
      target,
      clientMsgID: extra.options?.clientMsgID ?? `c${this.sent.length}`,
      serverMsgID: `s${this.sent.length}`,
      serverTime: Date.now(),
    };
    this.storeOwn(result, extra.text ?? "");
    return result;
  }

  /** A message of this account as the server stores it (a send that went out, or one from before a crash). */
  storeOwn(sent: Pick<SendResult, "target" | "clientMsgID" | "serverMsgID" | "serverTime">, text = ""): void {
    this.stored.push({
      accountId: this.account.accountId,
      kind: sent.target.kind === "group" ? "group" : "direct",
      conversationID: conversationOf(this.account.userID, sent.target),
      target: sent.target,
      sender: { userID: this.account.userID },
      contentType: 101,
      text,
      mentionsSelf: false,
      mentionsAll: false,
      mentionedUserIDs: [],
      quotesSelf: false,
      media: [],
      serverTime: sent.serverTime,
      clientMsgID: sent.clientMsgID,
      serverMsgID: sent.serverMsgID,
      seq: this.stored.length + 1,
      fromCatchUp: true,
    });
  }
  async sendText(target: string | Target, text: string, options?: TextOptions) {
    return this.record("text", target, { text, ...(options ? { options } : {}) });
  }
  async markRead(conversationID: string, seq?: number) {
    this.reads.push(conversationID);
    this.readSeqs.push(seq);
  }
  async sendImage(target: string | Target, source: MediaSource) {
    return this.record("image", target, { source });
  }
  async sendVideo(target: string | Target, source: MediaSource) {
    return this.record("video", target, { source });
  }
  async sendFile(target: string | Target, source: MediaSource) {
    return this.record("file", target, { source });
  }
  async sendSound(target: string | Target, source: MediaSource) {
    return this.record("voice", target, { source });
  }
  async selfInfo(): Promise<DirectoryUser> {
    return { userID: this.account.userID, nickname: this.account.userID };
  }
  async joinedGroups() {
    return this.groups;
  }
  async groupMembers(groupID: string) {
    return this.members[groupID] ?? [];
  }
  async friends(): Promise<DirectoryUser[]> {
    return [];
  }
  async revokeMessage(conversationID: string, clientMsgID: string) {
    this.revoked.push(`${conversationID}/${clientMsgID}`);
  }
  async recentMessages(conversationID: string, count: number): Promise<InboundMessage[]> {
    return this.stored.filter((m) => m.conversationID === conversationID).slice(-count);
  }
  async setTyping(conversationID: string, focus: boolean) {
    this.typing.push({ conversationID, focus });
  }
  async setToken(): Promise<AccountStatus> {
    return this.status();
  }
}

/** OpenClaw's inbound runtime, reduced to what the channel calls; every dispatch answers `reply`. */
export function fakeRuntime(reply = "pong") {
  const dispatched: DispatchParams[] = [];
  const contexts: Record<string, unknown>[] = [];
  const mediaDir = mkdtempSync(join(tmpdir(), "mo-media-"));
  const runtime: InboundChannelRuntime = {
    // Like OpenClaw's media store: a file per buffer under its media dir, size capped.
    media: {
      saveMediaBuffer: async (buffer, contentType, subdir = "inbound", maxBytes, name) => {
        if (maxBytes !== undefined && buffer.length > maxBytes)
          throw new Error("too large for the media store");
        const id = `${name ?? "file"}---${randomUUID()}`;
        await mkdir(join(mediaDir, subdir), { recursive: true });
        const path = join(mediaDir, subdir, id);
        await writeFile(path, buffer);
        return { id, path, size: buffer.length, ...(contentType ? { contentType } : {}) };
      },
    },
    routing: {
      resolveAgentRoute: (input) => ({
        agentId: "main",
        accountId: input.accountId,
        dmScope: input.dmScope,
        sessionKey: `agent:main:${input.channel}:${input.accountId}:${input.peer.kind}:${input.peer.id}`,
      }),
    },
    inbound: {
      ingress: { resolveStable: async () => ({ ingress: { admission: "dispatch" } }) },
      buildContext: (params) => {
        contexts.push(params);
        return { ...params, SessionKey: (params.route as { dispatchSessionKey: string }).dispatchSessionKey };
      },
      dispatch: async (params) => {
        dispatched.push(params);
        // As OpenClaw does once the user turn is durable in the session, before the model runs.
        const lifecycle = (params.replyOptions as { turnAdoptionLifecycle?: { onAdopted?: () => unknown } })
          ?.turnAdoptionLifecycle;
        await lifecycle?.onAdopted?.();
        await params.delivery.deliver({ text: reply }, { kind: "final" });
        return { admission: { kind: "dispatch" }, dispatched: true };
      },
    },
  };
  return { runtime, dispatched, contexts, mediaDir };
}

export function memoryLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
  return { logger, lines };
}

/** Waits until `check` passes (bounded), for effects of fire-and-forget event handlers. */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The plugin over FakeClients (collected in `clients`), a refresher that never succeeds, a temp
 * state dir and the fake OpenClaw runtime answering `reply`; `options` adds or replaces plugin options.
 */
/** A refresher whose every refresh is refused with refresh off (the tests here never need one). */
export const disabledRefresher = () => ({
  refresh: async () => ({
    ok: false as const,
    code: "REFRESH_DISABLED" as const,
    message: "",
    markerPath: "",
    retryable: false,
  }),
});

/** What OpenClaw's recovery passes for a queued `message send` it had started (buildUnknownSendContext). */
export const unknownSendContext = (
  queueId: string,
  text: string,
  extra: Partial<UnknownSendContext> = {},
): UnknownSendContext & { cfg: object; channel: string; retryCount: number } => ({
  cfg: {},
  channel: "multi-openim",
  queueId,
  to: "user:alice",
  accountId: "a",
  enqueuedAt: Date.now() - 1000,
  retryCount: 0,
  platformSendStartedAt: Date.now() - 900,
  payloads: [{ text }],
  ...extra,
});

/** A resolved account for a FakeClient (nothing listens on its addresses). */
export const fakeAccount = (id: string) => ({
  accountId: id,
  enabled: true as const,
  token: "t",
  wsAddr: "ws://127.0.0.1:1",
  apiAddr: "http://127.0.0.1:1",
  userID: `bot_${id}`,
  platformID: 5,
  requireMention: true,
  inboundWhitelist: [],
  disableFriendSdk: true,
});

export function pluginWithDoubles(
  setup: { stateDir?: string; reply?: string; options?: Partial<PluginOptions> } = {},
) {
  const stateDir = setup.stateDir ?? mkdtempSync(join(tmpdir(), "mo-plugin-state-"));
  const clients: FakeClient[] = [];
  const { logger, lines } = memoryLogger();
  const plugin = createMultiOpenimPlugin({
    createClient: (account) => {
      const client = new FakeClient(account);
      clients.push(client);
      return client;
    },
    createRefresher: disabledRefresher,
    stateDir: () => stateDir,
    ...setup.options,
  });
  const fake = fakeRuntime(setup.reply ?? "pong");
  plugin.setApi({ logger, runtime: { channel: fake.runtime } });
  return { plugin, clients, lines, logger, stateDir, ...fake };
}

/**
 * Starts one account of `cfg` through the channel's gateway, as OpenClaw does, and waits until it reports
 * connected. `stop` aborts it and waits for startAccount to return.
 */
export async function startAccountOnDoubles(
  env: ReturnType<typeof pluginWithDoubles>,
  cfg: unknown,
  accountId = "a",
) {
  const abort = new AbortController();
  const statuses: ChannelSnapshot[] = [];
  const running = env.plugin.channel.gateway.startAccount({
    cfg,
    accountId,
    account: env.plugin.channel.config.resolveAccount(cfg, accountId),
    abortSignal: abort.signal,
    setStatus: (s) => statuses.push(s),
  });
  await until(() => statuses.some((s) => s.connected));
  const client = env.clients.at(-1) as FakeClient;
  const stop = async () => {
    abort.abort();
    await running;
  };
  return { client, statuses, abort, running, stop };
}
