import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MultiOpenimError, type ResolvedAccount, type Target } from "@multi-openim/core";
import { createMultiOpenimPlugin, type PluginOptions } from "./plugin.js";
import type { DispatchParams, InboundChannelRuntime } from "./runtime-types.js";
import type {
  AccountClient,
  AccountStatus,
  InboundMessage,
  Logger,
  MediaSource,
  SendResult,
  TextOptions,
} from "./types.js";

/** An AccountClient double: records sends, lets the test push messages and status. */
export class FakeClient implements AccountClient {
  readonly sent: {
    kind: string;
    target: Target;
    text?: string;
    source?: MediaSource;
    options?: TextOptions;
  }[] = [];
  readonly reads: string[] = [];
  /** Sends fail with NOT_CONNECTED while this is set (a reconnect in progress). */
  offline = false;
  started = 0;
  stopped = 0;
  failStart?: Error;
  state: AccountStatus;
  private readonly listeners = {
    message: new Set<(m: InboundMessage) => void>(),
    status: new Set<(s: AccountStatus) => void>(),
  };

  constructor(readonly account: ResolvedAccount) {
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

  on(event: "message", listener: (m: InboundMessage) => void): () => void;
  on(event: "status", listener: (s: AccountStatus) => void): () => void;
  on(event: "message" | "status", listener: (payload: never) => void): () => void {
    const set = this.listeners[event] as Set<(payload: never) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  async start(): Promise<void> {
    this.started += 1;
    if (this.failStart) throw this.failStart;
    this.setStatus({
      running: true,
      connected: true,
      lastConnectedAt: Date.now(),
      lastTransportActivityAt: Date.now(),
    });
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
      mentionsSelf: false,
      mentionsAll: false,
      media: [],
      serverTime: 1,
      clientMsgID: `m${Math.random()}`,
      serverMsgID: "",
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

  private record(
    kind: string,
    target: Target,
    extra: { text?: string; source?: MediaSource; options?: TextOptions },
  ): SendResult {
    if (this.offline) {
      throw new MultiOpenimError(
        "NOT_CONNECTED",
        `[client] account=${this.account.accountId}: not connected`,
      );
    }
    this.sent.push({ kind, target, ...extra });
    return {
      accountId: this.account.accountId,
      clientMsgID: `c${this.sent.length}`,
      serverMsgID: `s${this.sent.length}`,
    };
  }
  async sendText(target: Target, text: string, options?: TextOptions) {
    return this.record("text", target, { text, ...(options ? { options } : {}) });
  }
  async markRead(conversationID: string) {
    this.reads.push(conversationID);
  }
  async sendImage(target: Target, source: MediaSource) {
    return this.record("image", target, { source });
  }
  async sendVideo(target: Target, source: MediaSource) {
    return this.record("video", target, { source });
  }
  async sendFile(target: Target, source: MediaSource) {
    return this.record("file", target, { source });
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
