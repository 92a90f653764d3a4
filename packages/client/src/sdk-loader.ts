import type { ApiService, MessageItem } from "@openim/client-sdk";
import { RELEASED_BY_CLIENT } from "./sdk-rejections.js";

export type { MessageItem };

/** The SDK's `LogLevel.Silent` (Trace 0 … Silent 5), without importing the SDK for a constant. */
export const SDK_LOG_SILENT = 5;

// The modern build: the CJS / es builds turn `[...map.entries()]` into `[].concat(iter)` and lose every
// catch-up pull after a reconnect (docs/openim.md). The package has no exports map, so the subpath resolves.
type SdkModule = typeof import("@openim/client-sdk/lib/index.modern.mjs");
let sdkModule: SdkModule | undefined;
let loading: Promise<SdkModule> | undefined;

/**
 * Loads the SDK once per process, when the first account starts: importing this package (a gateway
 * loading the plugin, a CLI validating a config) costs nothing of the SDK and its protobuf coders.
 */
export function loadSdk(): Promise<SdkModule> {
  loading ??= import("@openim/client-sdk/lib/index.modern.mjs").then((m) => (sdkModule = m));
  return loading;
}

/** What we rely on from the SDK's public surface, plus the emitter it hides from its types. */
export type OpenImSdk = ApiService & {
  on(event: string, handler: (payload: SdkEvent) => void): unknown;
  off(event: string, handler: (payload: SdkEvent) => void): unknown;
};

export interface SdkEvent {
  event: string;
  data: unknown;
  errCode: number;
  errMsg: string;
  operationID: string;
}

/** Internals of @openim/client-sdk 0.0.14 used to work around its quirks; every access is optional. */
interface WsManagerInternals {
  ws?: { readyState: number; close(): void; onopen: unknown };
  connect?: () => Promise<void>;
  close?: () => void;
  stopHeartbeat?: () => void;
  shouldReconnect?: boolean;
  connectParams?: { token?: string };
  onBinaryMessage?: (data: unknown) => Promise<void>;
}
interface TtlCache {
  dispose?: () => void;
}
interface SdkInternals {
  wsManager?: WsManagerInternals;
  token?: string;
  requestMap?: Map<string, { resolve(v: unknown): void; reject(e: unknown): void }>;
  messageTrigger?: {
    typingManager?: { send?: TtlCache; state?: TtlCache };
    cache?: {
      getCachedMaxReadSeq?: (conversationID: string) => { maxSeq?: number } | undefined;
      cachedMessages?: Map<string, unknown[]>;
      addMessagesToCache?: (conversationID: string, messages: unknown[]) => void;
    };
  };
}

const internals = (sdk: OpenImSdk) => sdk as unknown as SdkInternals;

/** A new SDK instance, minus its console banner and the two 15 s typing timers it never clears. */
export function createSdkInstance(): OpenImSdk {
  if (!sdkModule) throw new Error("[client] the OpenIM SDK is not loaded yet: await loadSdk() first");
  const { getSDK } = sdkModule;
  const info = console.info;
  console.info = () => undefined;
  let sdk: OpenImSdk;
  try {
    sdk = getSDK() as OpenImSdk;
  } finally {
    console.info = info;
  }
  const typing = internals(sdk).messageTrigger?.typingManager;
  typing?.send?.dispose?.();
  typing?.state?.dispose?.();
  boundMessageCache(sdk);
  return sdk;
}

/** Messages the SDK keeps per conversation (trimmed to this when twice as many), and conversations. */
export const MESSAGE_CACHE_PER_CONVERSATION = 64;
export const MESSAGE_CACHE_CONVERSATIONS = 256;

/**
 * The SDK caches every message it sees, per conversation, for as long as the instance lives, and adds
 * each one by copying the whole list (`[...cached, ...added]`): a bot's memory grew without bound, and
 * each inbound message cost a copy of its conversation's history (a CPU profile of 3,000 inbound messages
 * in one conversation: 271 MB allocated by that copy, the process's garbage collection tripled). Its
 * lookups (by seq, by clientMsgID) scan that list linearly too. Nothing of ours reads the cache, and the
 * SDK fetches what it misses from the server (getMessageWithCacheBySeqs), so it is kept small: appended
 * in place, the newest MESSAGE_CACHE_PER_CONVERSATION per conversation, the most recently added-to
 * MESSAGE_CACHE_CONVERSATIONS conversations. Internal to @openim/client-sdk 0.0.14; absent → no-op.
 */
export function boundMessageCache(
  sdk: OpenImSdk,
  perConversation = MESSAGE_CACHE_PER_CONVERSATION,
  conversations = MESSAGE_CACHE_CONVERSATIONS,
): void {
  const cache = internals(sdk).messageTrigger?.cache;
  const lists = cache?.cachedMessages;
  if (!cache || !(lists instanceof Map) || typeof cache.addMessagesToCache !== "function") return;
  cache.addMessagesToCache = (conversationID, messages) => {
    let list = lists.get(conversationID);
    // Re-inserted: the Map's order is then the order conversations were last added to.
    if (list) lists.delete(conversationID);
    else list = [];
    lists.set(conversationID, list);
    for (const message of messages) list.push(message);
    if (list.length > 2 * perConversation) list.splice(0, list.length - perConversation);
    if (lists.size > conversations) {
      for (const oldest of lists.keys()) {
        if (lists.size <= conversations) break;
        lists.delete(oldest);
      }
    }
  };
}

const OPEN = 1;
const CONNECTING = 0;

/** readyState of the instance's socket, or undefined when it has none (logged out, kicked). */
export function socketState(sdk: OpenImSdk): number | undefined {
  return internals(sdk).wsManager?.ws?.readyState;
}

export function isSocketOpen(sdk: OpenImSdk): boolean {
  return socketState(sdk) === OPEN;
}

/**
 * Rejects every WS request still waiting for an answer. After a drop the SDK keeps them forever, and a hung
 * send blocks its send queue for every later send; nothing public releases them.
 */
export function failPendingRequests(sdk: OpenImSdk, reason: string): number {
  const map = internals(sdk).requestMap;
  if (!map || map.size === 0) return 0;
  const pending = [...map.values()];
  map.clear();
  // Shaped like the SDK's own error so its wrappers report errCode 10000 (network) and the reason.
  for (const request of pending)
    request.reject(Object.assign(new Error(reason), { errCode: 10000, [RELEASED_BY_CLIENT]: true }));
  return pending.length;
}

/** Calls `onFrame` for every frame the socket receives (pongs included): the liveness signal. */
export function observeFrames(sdk: OpenImSdk, onFrame: () => void): void {
  const manager = internals(sdk).wsManager;
  const original = manager?.onBinaryMessage;
  if (!manager || typeof original !== "function") return;
  manager.onBinaryMessage = (data: unknown) => {
    try {
      onFrame();
    } catch {
      // A liveness probe must never break frame handling.
    }
    return original.call(manager, data);
  };
}

/** The SDK's view of a conversation's newest seq (from the 1006 sync and pushes), if it has one. */
export function cachedMaxSeq(sdk: OpenImSdk, conversationID: string): number | undefined {
  const seqs = internals(sdk).messageTrigger?.cache?.getCachedMaxReadSeq?.(conversationID);
  return typeof seqs?.maxSeq === "number" ? seqs.maxSeq : undefined;
}

/**
 * Puts a new token into a live instance so its next reconnect and REST calls use it: a proactive refresh
 * then needs no re-login. Returns false when this build lacks the fields (then the caller re-logs in).
 */
export function swapToken(sdk: OpenImSdk, token: string): boolean {
  const inner = internals(sdk);
  if (!inner.wsManager?.connectParams || typeof inner.token !== "string") return false;
  inner.wsManager.connectParams.token = token;
  inner.token = token;
  return true;
}

/**
 * Stops an instance for good without `logout()` (which leaves a pending retry that reconnects with the old
 * token): no more reconnects, heartbeat stopped, socket closed whatever its state, waiting requests failed.
 */
export function retireSdk(sdk: OpenImSdk): void {
  const manager = internals(sdk).wsManager;
  if (manager) {
    manager.shouldReconnect = false;
    // A retry timer already pending would call connect(); make it a no-op that never opens a socket.
    manager.connect = () => new Promise<void>(() => undefined);
    manager.stopHeartbeat?.();
    const socket = manager.ws;
    if (socket && (socket.readyState === OPEN || socket.readyState === CONNECTING)) {
      if (socket.readyState === CONNECTING) socket.onopen = () => socket.close();
      try {
        socket.close();
      } catch {
        // Closing a socket that is still connecting may throw on some runtimes; onopen closes it then.
      }
    }
  }
  failPendingRequests(sdk, "instance retired");
}

/**
 * Raises the SDK's idea of a conversation's newest seq to one we have seen pushed: it adds 1 per push
 * instead of taking the push's seq, and history pages start from it, so after a loss they would stop short.
 */
export function raiseCachedMaxSeq(sdk: OpenImSdk, conversationID: string, seq: number): void {
  const cache = internals(sdk).messageTrigger?.cache as
    | { updateCachedMaxReadSeq?: (id: string, patch: { maxSeq: number }) => void }
    | undefined;
  const current = cachedMaxSeq(sdk, conversationID);
  if (current !== undefined && current < seq)
    cache?.updateCachedMaxReadSeq?.(conversationID, { maxSeq: seq });
}
