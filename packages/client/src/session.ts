import { guardFriendApi } from "@multi-openim/friend-guard";
import { type Clock, realClock } from "./clock.js";
import { withNetworkReason } from "./network-reason.js";
import { observeOwnEchoes } from "./own-echo.js";
import { paceReconnects, ReconnectPacer, type ReconnectPacing } from "./reconnect.js";
import {
  createSdkInstance,
  type MessageItem,
  type OpenImSdk,
  observeFrames,
  retireSdk,
  type SdkEvent,
} from "./sdk-loader.js";
import { instrumentRest } from "./sdk-rest.js";

export type TokenEventName = "OnUserTokenExpired" | "OnUserTokenInvalid" | "OnKickedOffline";

export type LoginOutcome =
  | { kind: "connected" }
  | { kind: "token"; event: TokenEventName; errCode: number; errMsg: string }
  | { kind: "failed"; errCode: number; errMsg: string };

export interface SessionHandlers {
  onConnecting(): void;
  onConnectSuccess(reconnect: boolean): void;
  /** Connect failures that are not token errors (those arrive as onTokenEvent, once). */
  onConnectFailed(errCode: number, errMsg: string): void;
  onTokenEvent(event: TokenEventName, errCode: number, errMsg: string): void;
  onSyncFinish(): void;
  onSyncFailed(errCode: number, errMsg: string): void;
  onMessages(items: MessageItem[]): void;
  onFrame(): void;
  onHandlerError(event: string, error: unknown): void;
}

export interface SessionParams {
  accountId: string;
  userID: string;
  token: string;
  wsAddr: string;
  apiAddr: string;
  platformID: number;
  sdkLogLevel: number;
  friendGuard: boolean;
  restTimeoutMs: number;
  /** The SDK's own reconnects after a drop (default: its fixed 5 s wait). */
  reconnect?: ReconnectPacing;
  /** The login timeout runs on it (default: the real clock). */
  clock?: Clock;
}

const TOKEN_EVENTS: readonly string[] = ["OnUserTokenExpired", "OnUserTokenInvalid", "OnKickedOffline"];
// OnConnectFailed fires for token errors too, right before the token event: one failure, one recovery.
const isTokenCode = (code: number) => code >= 1501 && code <= 1507;

/**
 * One SDK instance for one login. Never handed out: recovery makes new sessions, each guarded, and a
 * retired session's handlers are detached so a late event from it can do nothing.
 */
export class SdkSession {
  readonly sdk: OpenImSdk = createSdkInstance();
  connected = false;
  /** Its retry waits in the process-wide reconnect gate's line: not a stall, only a queue. */
  waitingForGate = false;
  private everConnected = false;
  private retired = false;
  private settle: ((outcome: LoginOutcome) => void) | undefined;
  private readonly bound = new Map<string, (payload: SdkEvent) => void>();
  private readonly pacer: ReconnectPacer | undefined;

  constructor(
    private readonly params: SessionParams,
    private readonly handlers: SessionHandlers,
  ) {
    instrumentRest(this.sdk, params.restTimeoutMs);
    this.pacer = params.reconnect ? new ReconnectPacer(params.reconnect) : undefined;
    if (params.friendGuard) guardFriendApi(this.sdk, { accountId: params.accountId });
    // Own replies' seqs (the SDK swallows their echo): without them every message after a reply is a hole.
    observeOwnEchoes(this.sdk, params.userID, (items) => {
      if (!this.retired) this.handlers.onMessages(items);
    });
    const events = [
      "OnConnecting",
      "OnConnectSuccess",
      "OnConnectFailed",
      ...TOKEN_EVENTS,
      "OnSyncServerFinish",
      "OnSyncServerFailed",
      "OnRecvNewMessages",
    ];
    for (const event of events) {
      // The SDK calls handlers synchronously inside its own code: nothing may throw back into it.
      const handler = (payload: SdkEvent) => {
        if (this.retired) return;
        try {
          this.dispatch(event, payload ?? ({} as SdkEvent));
        } catch (error) {
          this.handlers.onHandlerError(event, error);
        }
      };
      this.bound.set(event, handler);
      this.sdk.on(event, handler);
    }
  }

  /** Logs in and waits for the server's verdict: OnConnectSuccess, a token event, or a failure (with its cause). */
  async login(timeoutMs: number): Promise<LoginOutcome> {
    return withNetworkReason(await this.attempt(timeoutMs), this.params.wsAddr);
  }

  private attempt(timeoutMs: number): Promise<LoginOutcome> {
    const { userID, token, wsAddr, apiAddr, platformID, sdkLogLevel } = this.params;
    const clock = this.params.clock ?? realClock;
    return new Promise<LoginOutcome>((resolve) => {
      const timer = clock.setTimeout(
        () => finish({ kind: "failed", errCode: -1, errMsg: `login timed out after ${timeoutMs} ms` }),
        timeoutMs,
      );
      const finish = (outcome: LoginOutcome) => {
        if (!this.settle) return;
        this.settle = undefined;
        clock.clearTimeout(timer);
        resolve(outcome);
      };
      this.settle = finish;
      const pending = this.sdk.login({ userID, token, wsAddr, apiAddr, platformID, logLevel: sdkLogLevel });
      // login() creates its socket manager synchronously; hook it before the first frame arrives.
      observeFrames(this.sdk, () => this.handlers.onFrame());
      if (this.pacer) paceReconnects(this.sdk, this.pacer, (inLine) => (this.waitingForGate = inLine));
      pending.catch((error: { errCode?: number; errMsg?: string; message?: string }) =>
        finish({
          kind: "failed",
          errCode: error?.errCode ?? -1,
          errMsg: error?.errMsg ?? error?.message ?? "login failed",
        }),
      );
    });
  }

  /** Detaches every handler and stops the instance for good (see retireSdk); idempotent. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.connected = false;
    this.settle?.({ kind: "failed", errCode: -1, errMsg: "session retired" });
    for (const [event, handler] of this.bound) this.sdk.off(event, handler);
    this.bound.clear();
    retireSdk(this.sdk);
  }

  /** What the object routes need (uploads go around the SDK). */
  get credentials(): { apiAddr: string; token: string; userID: string } {
    return { apiAddr: this.params.apiAddr, token: this.params.token, userID: this.params.userID };
  }

  /** After a proactive refresh swapped the token into the live instance. */
  setToken(token: string): void {
    this.params.token = token;
  }

  get isRetired(): boolean {
    return this.retired;
  }

  private dispatch(event: string, payload: SdkEvent): void {
    const errCode = Number(payload.errCode) || 0;
    const errMsg = String(payload.errMsg ?? "");
    switch (event) {
      case "OnConnecting":
        this.connected = false;
        if (!this.settle) this.handlers.onConnecting();
        return;
      case "OnConnectSuccess": {
        this.connected = true;
        const reconnect = this.everConnected;
        this.everConnected = true;
        this.pacer?.reset();
        this.settle?.({ kind: "connected" });
        this.handlers.onConnectSuccess(reconnect);
        return;
      }
      case "OnConnectFailed":
        this.connected = false;
        if (isTokenCode(errCode)) return;
        if (this.settle) this.settle({ kind: "failed", errCode, errMsg });
        else this.handlers.onConnectFailed(errCode, errMsg);
        return;
      case "OnSyncServerFinish":
        this.handlers.onSyncFinish();
        return;
      case "OnSyncServerFailed":
        this.handlers.onSyncFailed(errCode, errMsg);
        return;
      case "OnRecvNewMessages":
        if (Array.isArray(payload.data)) this.handlers.onMessages(payload.data as MessageItem[]);
        return;
      default:
        if (!TOKEN_EVENTS.includes(event)) return;
        this.connected = false;
        if (this.settle) this.settle({ kind: "token", event: event as TokenEventName, errCode, errMsg });
        else this.handlers.onTokenEvent(event as TokenEventName, errCode, errMsg);
    }
  }
}
