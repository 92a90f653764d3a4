import { type Target, tokenExpiresAt } from "@multi-openim/core";
import type { AccountClient, AccountClientEvents } from "./account-client.js";
import { CatchUpRunner } from "./catch-up-runner.js";
import type { ClockTimer } from "./clock.js";
import { ConnectionWaiters } from "./connected-wait.js";
import { recentMessages, revokeMessage, setTyping } from "./conversation-actions.js";
import { friends, groupMembers, joinedGroups, selfInfo } from "./directory.js";
import { Emitter } from "./emitter.js";
import { InboundPipeline } from "./inbound.js";
import { missingWebSocketError } from "./node-support.js";
import { normalizeMessage } from "./normalize.js";
import {
  assertClientAccount,
  friendGuardFor,
  type ResolvedClientOptions,
  resolveClientOptions,
} from "./options.js";
import { ReadMarks } from "./read-marks.js";
import { gateOf } from "./reconnect.js";
import { Recovery } from "./recovery.js";
import { RecentItems } from "./reply.js";
import { failPendingRequests, isSocketOpen, loadSdk, swapToken } from "./sdk-loader.js";
import { guardSdkRejections } from "./sdk-rejections.js";
import { markRead, type SendContext, sendMedia, sendText } from "./send.js";
import { resolveSendQueueOptions, SendQueue, type SendQueueOptions } from "./send-queue.js";
import { SdkSession, type SessionHandlers } from "./session.js";
import { sendSound } from "./sound.js";
import { StatusTracker } from "./status.js";
import type {
  AccountStatus,
  ClientAccount,
  ClientOptions,
  MediaSource,
  RefreshOutcome,
  TextOptions,
} from "./types.js";
import { resolveUnknownSend } from "./unknown-outcome.js";
import { openWatermarks, type WatermarkStore } from "./watermarks.js";

/** One account's OpenIM connection: every SDK quirk handled here, once. */
export function createAccountClient(
  account: ClientAccount,
  options: ClientOptions & SendQueueOptions,
): AccountClient {
  return new Client(account, options);
}

class Client implements AccountClient {
  readonly accountId: string;
  private readonly emitter: Emitter<AccountClientEvents>;
  private readonly tracker: StatusTracker;
  private readonly inbound: InboundPipeline;
  private readonly opts: ResolvedClientOptions;
  private releaseGuard: (() => void) | undefined;
  private readonly catchUps: CatchUpRunner;
  /** Loaded before the first login (a Redis storage answers asynchronously). */
  private readonly watermarks: Promise<WatermarkStore | undefined>;
  private token: string;
  private userID: string;
  private session: SdkSession | undefined;
  private recovery: Recovery | undefined;
  private abort: AbortController | undefined;
  private ticker: ClockTimer | undefined;
  private disconnectedSince: number | undefined;
  private connectedOnce = false;
  private startedAt: number | undefined;
  private firstAttempt: ((status: AccountStatus) => void) | undefined;
  private readonly waiters: ConnectionWaiters;
  private readonly recent = new RecentItems();
  /** One mark in flight per conversation; requests made meanwhile share the next one (read-marks.ts). */
  private readonly reads = new ReadMarks((conversationID, mark) =>
    markRead(this.sendContext(), conversationID, mark, (id) => this.inbound.ledger.lastSeq(id)),
  );
  /** Sends made while not connected wait here, in order (send-queue.ts). */
  private readonly queue: SendQueue;

  constructor(
    private readonly account: ClientAccount,
    private readonly options: ClientOptions & SendQueueOptions,
  ) {
    assertClientAccount(account);
    this.opts = resolveClientOptions(options);
    this.waiters = new ConnectionWaiters(this.opts.clock);
    this.queue = new SendQueue({
      accountId: account.accountId,
      ...resolveSendQueueOptions(options),
      running: () => this.abort !== undefined,
      connected: () => this.tracker.current.connected,
      waitConnected: (deadline) => this.sendContext().connectedSession(deadline),
      log: (level, message) => this.log(level, message),
      clock: this.opts.clock,
    });
    this.accountId = account.accountId;
    this.token = account.token;
    this.userID = account.userID;
    this.emitter = new Emitter((event, error) =>
      this.log("error", `a "${event}" listener threw: ${String(error)}`),
    );
    this.tracker = new StatusTracker(
      this.accountId,
      (account as { enabled?: boolean }).enabled !== false,
      (s) => this.emitter.emit("status", s),
    );
    this.tracker.addSecret(this.token);
    this.tracker.update({ tokenExpiresAt: tokenExpiresAt(this.token) });
    this.inbound = new InboundPipeline({
      clock: this.opts.clock,
      selfUserID: () => this.userID,
      queueTimeoutMs: this.opts.queueTimeoutMs,
      bounds: {
        maxAgeMs: this.opts.catchUpMaxAgeMinutes * 60_000,
        maxMessages: this.opts.catchUpMaxMessages,
      },
      onSkipped: (conversationID, count, why) => {
        this.log("warn", `catch-up skipped ${count} message(s) in ${conversationID} (${why})`);
        const skipped = (this.tracker.current.skippedOnCatchUp ?? 0) + count;
        this.tracker.update({ skippedOnCatchUp: skipped });
      },
      onError: (what, error) =>
        what === "catch-up"
          ? this.catchUps.failed(error)
          : this.log("warn", `${what} failed: ${String((error as Error)?.message ?? error)}`),
      deliver: (item, fromCatchUp) => {
        this.tracker.touch("lastInboundAt");
        this.recent.add(item);
        return this.emitter.emitAwaitable(
          "message",
          normalizeMessage(item, { accountId: this.accountId, selfUserID: this.userID, fromCatchUp }),
        );
      },
    });
    this.watermarks = openWatermarks(
      {
        stateDir: this.opts.stateDir,
        storage: this.opts.watermarkStorage,
        accountId: this.accountId,
        userID: this.userID,
        apiAddr: account.apiAddr,
        flushDelayMs: this.opts.watermarkFlushMs,
        warn: (m) => this.log("warn", m),
        clock: this.opts.clock,
      },
      this.inbound,
    );
    this.catchUps = new CatchUpRunner({
      inbound: this.inbound,
      historyTimeoutMs: this.opts.historyTimeoutMs,
      session: () => this.session,
      running: () => this.abort !== undefined,
      warn: (m) => this.log("warn", m),
      clock: this.opts.clock,
    });
  }

  on<K extends keyof AccountClientEvents>(event: K, listener: (payload: AccountClientEvents[K]) => unknown) {
    return this.emitter.on(event, listener);
  }

  off<K extends keyof AccountClientEvents>(event: K, listener: (payload: AccountClientEvents[K]) => void) {
    this.emitter.off(event, listener);
  }

  status(): AccountStatus {
    return this.tracker.snapshot();
  }

  start(): Promise<AccountStatus> {
    if (this.abort) return Promise.resolve(this.status());
    const localCause = missingWebSocketError();
    if (localCause) return Promise.reject(localCause);
    const abort = new AbortController();
    this.abort = abort;
    this.recovery = this.createRecovery(abort.signal);
    this.startedAt ??= this.opts.clock.now();
    this.tracker.update({ running: true, lastError: null });
    if (this.opts.guardSdkRejections) this.releaseGuard = guardSdkRejections((m) => this.log("debug", m));
    this.armTicker();
    this.opts.tokenRefresher.watch?.(this.accountId, this.engineResult);
    const first = new Promise<AccountStatus>((resolve) => {
      this.firstAttempt = resolve;
    });
    const recovery = this.recovery;
    // The SDK is imported when the first account starts, not when the package is (see loadSdk).
    Promise.all([loadSdk(), this.watermarks]).then(
      () => {
        if (this.recovery !== recovery) return; // stopped while the SDK loaded
        const expiresAt = tokenExpiresAt(this.token);
        const expired = expiresAt !== undefined && expiresAt <= this.opts.clock.now();
        void recovery.request({ refresh: expired, reason: expired ? "token expired before start" : "start" });
      },
      (error: unknown) => {
        this.tracker.update({ lastError: `the OpenIM SDK failed to load: ${String(error)}` });
        this.settleFirstAttempt();
      },
    );
    return first;
  }

  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    this.abort = undefined;
    abort.abort();
    this.opts.clock.clearTimeout(this.ticker);
    this.ticker = undefined;
    this.catchUps.stop();
    this.opts.tokenRefresher.cancel?.(this.accountId);
    this.retireSession();
    this.releaseGuard?.();
    this.releaseGuard = undefined;
    this.recovery = undefined;
    await this.watermarks
      .then((store) => store?.flush())
      .catch((e) => this.log("warn", String((e as Error)?.message ?? e)));
    this.tracker.update({ running: false, connected: false });
    this.settleFirstAttempt();
    this.waiters.wakeAll();
  }

  async setToken(token: string): Promise<AccountStatus> {
    this.useToken(token);
    if (!this.abort) return this.start();
    const first = new Promise<AccountStatus>((resolve) => {
      this.firstAttempt = resolve;
    });
    void loadSdk().then(() => this.recovery?.request({ refresh: false, reason: "token set by hand" }));
    return first;
  }

  sendText(target: string | Target, text: string, options?: TextOptions) {
    return this.queue.run("sendText", () => sendText(this.sendContext(), target, text, options));
  }
  markRead(conversationID: string, seq?: number) {
    return this.reads.mark(conversationID, seq);
  }
  sendImage(target: string | Target, source: MediaSource) {
    return this.queue.run("sendImage", () => sendMedia(this.sendContext(), "image", target, source));
  }
  sendVideo(target: string | Target, source: MediaSource) {
    return this.queue.run("sendVideo", () => sendMedia(this.sendContext(), "video", target, source));
  }
  sendFile(target: string | Target, source: MediaSource) {
    return this.queue.run("sendFile", () => sendMedia(this.sendContext(), "file", target, source));
  }
  sendSound(target: string | Target, source: MediaSource, durationSec?: number) {
    return this.queue.run("sendSound", () => sendSound(this.sendContext(), target, source, durationSec));
  }
  // Conversation features (directory.ts, conversation-actions.ts): reads and acts on a connected session.
  selfInfo() {
    return selfInfo(this.sendContext());
  }
  joinedGroups() {
    return joinedGroups(this.sendContext());
  }
  groupMembers(groupID: string) {
    return groupMembers(this.sendContext(), groupID);
  }
  friends() {
    return friends(this.sendContext(), friendGuardFor(this.account, this.options));
  }
  revokeMessage(conversationID: string, clientMsgID: string) {
    return revokeMessage(this.sendContext(), conversationID, clientMsgID);
  }
  recentMessages(conversationID: string, count: number) {
    const self = { accountId: this.accountId, selfUserID: this.userID };
    return recentMessages(this.sendContext(), conversationID, count, self);
  }
  setTyping(conversationID: string, focus: boolean) {
    return setTyping(this.sendContext(), conversationID, focus);
  }

  private createRecovery(signal: AbortSignal): Recovery {
    return new Recovery({
      accountId: this.accountId,
      refresher: this.opts.tokenRefresher,
      status: this.tracker,
      signal,
      log: (level, message) => this.log(level, message),
      backoff: this.opts.backoff,
      kick: { baseMs: this.opts.kickWindowMs, capMs: this.opts.kickWindowCapMs },
      loginTimeoutMs: this.opts.loginTimeoutMs,
      clock: this.opts.clock,
      newSession: () => this.newSession(),
      retireSession: () => this.retireSession(),
      tokenRefreshed: (token, userID) => this.useToken(token, userID),
      attemptSettled: () => this.settleFirstAttempt(),
      admitLogin: (wanted) => gateOf(this.opts.reconnect)?.admit(wanted) ?? Promise.resolve(),
    });
  }

  private newSession(): SdkSession {
    this.retireSession();
    this.inbound.hold();
    const { wsAddr, apiAddr, platformID } = this.account;
    const friendGuard = friendGuardFor(this.account, this.options);
    this.session = new SdkSession(
      {
        accountId: this.accountId,
        userID: this.userID,
        token: this.token,
        wsAddr,
        apiAddr,
        platformID,
        sdkLogLevel: this.opts.sdkLogLevel,
        friendGuard,
        restTimeoutMs: this.opts.restTimeoutMs,
        reconnect: this.opts.reconnect,
        clock: this.opts.clock,
      },
      this.handlers(),
    );
    return this.session;
  }

  private retireSession(): void {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    this.catchUps.forget();
    this.inbound.setApi(undefined);
    session.retire();
    if (this.tracker.current.connected) this.tracker.update({ connected: false });
  }

  private handlers(): SessionHandlers {
    return {
      onConnecting: () => this.markDisconnected(),
      onConnectSuccess: () => this.markConnected(),
      onConnectFailed: (code, msg) =>
        this.tracker.update({ lastError: `connect failed: errCode=${code} ${msg}` }),
      onTokenEvent: (event, code) => {
        this.markDisconnected();
        void this.recovery?.request({
          refresh: true,
          reason: `${event} errCode=${code}`,
          kicked: event === "OnKickedOffline",
        });
      },
      onSyncFinish: () => this.catchUps.run(),
      onSyncFailed: (code, msg) => {
        this.log("warn", `SDK sync failed (errCode=${code} ${msg}); catching up through history anyway`);
        this.catchUps.run();
      },
      onMessages: (items) => this.inbound.live(items),
      onFrame: () => this.tracker.touch("lastTransportActivityAt"),
      onHandlerError: (event, error) =>
        this.log("error", `handling ${event} threw: ${String((error as Error)?.message ?? error)}`),
    };
  }

  private markConnected(): void {
    const session = this.session;
    if (!session) return;
    const reconnect = this.connectedOnce;
    this.connectedOnce = true;
    this.disconnectedSince = undefined;
    this.inbound.setApi(this.catchUps.historyFor(session));
    this.tracker.update({
      connected: true,
      lastConnectedAt: this.opts.clock.now(),
      lastError: null,
      auth: "ok",
      reconnects: this.tracker.current.reconnects + (reconnect ? 1 : 0),
    });
    const expiresAt = tokenExpiresAt(this.token);
    if (this.opts.proactiveRefreshMarginMs > 0 && expiresAt !== undefined)
      this.opts.tokenRefresher.scheduleRefresh?.(this.accountId, expiresAt, this.engineResult);
    this.settleFirstAttempt();
    this.waiters.wakeAll();
  }

  private markDisconnected(): void {
    this.disconnectedSince ??= this.opts.clock.now();
    // Reconnects are quick now (reconnect.ts): a drop can land before the first sync's baseline.
    if (this.startedAt !== undefined) this.inbound.baselineMissed(this.startedAt);
    this.inbound.hold();
    if (this.session) failPendingRequests(this.session.sdk, "connection lost");
    if (this.tracker.current.connected) this.tracker.update({ connected: false });
  }

  /** The housekeeping tick, every `tickMs` while running (a re-armed timer on the client's clock). */
  private armTicker(): void {
    this.ticker = this.opts.clock.setTimeout(() => {
      if (!this.abort) return;
      this.armTicker();
      this.tick();
    }, this.opts.tickMs);
  }

  /** Housekeeping: notice a dead socket before the SDK's 5 s retry says so, restart a stalled one. */
  private tick(): void {
    const session = this.session;
    if (session?.connected && !isSocketOpen(session.sdk)) {
      session.connected = false;
      this.markDisconnected();
    }
    // Time spent in the reconnect gate's line (a thousand accounts after a restart) is not a stall.
    if (session?.waitingForGate && this.disconnectedSince !== undefined)
      this.disconnectedSince = this.opts.clock.now();
    const stalled =
      this.disconnectedSince !== undefined &&
      this.opts.clock.now() - this.disconnectedSince > this.opts.stallTimeoutMs;
    if (stalled && this.recovery && !this.recovery.active && !this.recovery.needsLogin) {
      this.log(
        "warn",
        `not connected for ${this.opts.stallTimeoutMs} ms: restarting with a fresh SDK instance`,
      );
      this.disconnectedSince = this.opts.clock.now();
      void this.recovery.request({ refresh: false, reason: "stalled" });
    }
    this.inbound.checkQueueTimeout(this.opts.clock.now());
  }

  /** The refresher's own refreshes (before exp, retries) arrive here; the client only uses the token. */
  private readonly engineResult = (result: RefreshOutcome): void => {
    const recovery = this.recovery;
    if (!this.abort || !recovery) return;
    if (recovery.waitingForToken) {
      recovery.engineResult(result);
      return;
    }
    if (!result.ok) return;
    this.useToken(result.token, result.userID);
    const session = this.session;
    if (session?.connected && swapToken(session.sdk, result.token)) {
      session.setToken(result.token);
      return;
    }
    if (!recovery.active && !recovery.needsLogin)
      void recovery.request({ refresh: false, reason: "log in with the refresher's new token" });
  };

  private useToken(token: string, userID?: string): void {
    this.token = token;
    if (userID) this.userID = userID;
    this.tracker.addSecret(token);
    this.tracker.update({ tokenExpiresAt: tokenExpiresAt(token) });
  }

  private settleFirstAttempt(): void {
    const resolve = this.firstAttempt;
    this.firstAttempt = undefined;
    resolve?.(this.status());
  }

  private sendContext(): SendContext {
    const context: SendContext = {
      accountId: this.accountId,
      clock: this.opts.clock,
      timeoutMs: this.opts.sendTimeoutMs,
      uploadTimeoutMs: this.opts.uploadTimeoutMs,
      connectedSession: (deadline) =>
        this.waiters.connectedSession(
          {
            accountId: this.accountId,
            running: () => this.abort !== undefined,
            needsLogin: () =>
              this.recovery?.needsLogin ? (this.tracker.current.lastError ?? "") : undefined,
            session: () => this.session,
          },
          deadline,
        ),
      rememberOwn: (id) => this.inbound.ledger.markSeen(id),
      sentOwn: (message) => this.inbound.ownSent(message),
      recent: (id) => this.recent.get(id),
      sent: () => this.tracker.touch("lastOutboundAt"),
      redact: (text) => this.tracker.redact(text),
      resolveUnknown: (send) =>
        resolveUnknownSend(
          {
            clock: this.opts.clock,
            selfUserID: () => this.userID,
            timeoutMs: this.opts.unknownOutcomeTimeoutMs,
            connectedSession: (deadline) => context.connectedSession(deadline),
            catchingUp: () => this.inbound.held,
            exclusive: (task) => this.inbound.exclusive(task),
            history: (session) => this.catchUps.historyFor(session),
            log: (m) => this.log("info", m),
          },
          send,
        ),
    };
    return context;
  }

  private log(level: "debug" | "info" | "warn" | "error", message: string): void {
    try {
      this.options.logger?.[level]?.(this.tracker.redact(`[client] account=${this.accountId} ${message}`));
    } catch {
      // A broken logger must not break the connection.
    }
  }
}
