import { FriendApiDisabledError } from "./errors.js";
import { findDescriptor, friendMethodNames } from "./methods.js";
import { isGuardedFriendRequest } from "./routes.js";

export interface GuardFriendApiOptions {
  /** Named in every error so logs say which account's code tried a friend call. */
  accountId: string;
  /** Also stub friend methods the SDK calls itself (see SDK_INTERNAL_FRIEND_METHODS); breaks first sends. */
  guardInternal?: boolean;
}

interface GuardState {
  accountId: string;
  /** Own descriptors as they were before guarding; undefined = the method was inherited, not own. */
  saved: Map<string, PropertyDescriptor | undefined>;
  restore: () => void;
}

const guarded = new WeakMap<object, GuardState>();

/**
 * Replaces every friend method present on an SDK instance with a stub that returns a rejected promise of
 * FriendApiDisabledError (a rejection, not a sync throw: callers `await` SDK calls). Returns `restore()`.
 * Idempotent: guarding an instance twice keeps the first originals and returns the same restore.
 */
export function guardFriendApi(sdk: object, options: GuardFriendApiOptions): () => void {
  const accountId = String(options?.accountId ?? "").trim();
  if (!accountId) {
    throw new TypeError("[friend-guard] options.accountId is required: pass the account the SDK belongs to");
  }
  const existing = guarded.get(sdk);
  if (existing) {
    existing.accountId = accountId;
    return existing.restore;
  }
  const state: GuardState = { accountId, saved: new Map(), restore: () => undefined };
  for (const name of friendMethodNames(sdk, { guardInternal: options.guardInternal === true })) {
    state.saved.set(name, Reflect.getOwnPropertyDescriptor(sdk, name));
    // Writes go through to the Proxy's target (no set/defineProperty trap); its get trap then wraps the
    // stub like any SDK method, so callers still receive a promise.
    Reflect.defineProperty(sdk, name, {
      configurable: true,
      enumerable: true,
      writable: true,
      value: function disabledFriendMethod(): Promise<never> {
        return Promise.reject(new FriendApiDisabledError(name, state.accountId));
      },
    });
  }
  guardGenericRequests(sdk, state, options.guardInternal === true);
  state.restore = () => {
    if (guarded.get(sdk) !== state) return;
    for (const [name, descriptor] of state.saved) {
      if (descriptor) Reflect.defineProperty(sdk, name, descriptor);
      else Reflect.deleteProperty(sdk, name);
    }
    guarded.delete(sdk);
  };
  guarded.set(sdk, state);
  return state.restore;
}

/** True while `guardFriendApi` is in effect on this instance. */
export function isFriendApiGuarded(sdk: object): boolean {
  return guarded.has(sdk);
}

/** Wraps the SDK's generic `sendHttpRequest` so it refuses friend routes (by reqFuncName or replaceURL). */
function guardGenericRequests(sdk: object, state: GuardState, guardInternal: boolean): void {
  const original = findDescriptor(sdk, "sendHttpRequest")?.value;
  if (typeof original !== "function") return;
  state.saved.set("sendHttpRequest", Reflect.getOwnPropertyDescriptor(sdk, "sendHttpRequest"));
  Reflect.defineProperty(sdk, "sendHttpRequest", {
    configurable: true,
    enumerable: true,
    writable: true,
    value: function guardedSendHttpRequest(
      this: unknown,
      request: unknown,
      ...rest: unknown[]
    ): Promise<unknown> {
      if (isGuardedFriendRequest(request, { guardInternal })) {
        const name = (request as { reqFuncName?: unknown })?.reqFuncName;
        return Promise.reject(
          new FriendApiDisabledError(
            `sendHttpRequest(${typeof name === "string" ? name : "…"})`,
            state.accountId,
          ),
        );
      }
      return original.call(this, request, ...rest);
    },
  });
}
