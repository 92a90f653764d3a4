import { withRestAgent } from "./rest-dispatcher.js";
import type { OpenImSdk } from "./sdk-loader.js";
import { RELEASED_BY_CLIENT } from "./sdk-rejections.js";

/**
 * Routes the instance's REST calls (the SDK looks `sendHttpRequest` up on itself at each call) through a
 * timeout — it has none — and marks their failures as the SDK's, so the rejection guard recognises the
 * ones the SDK leaves unhandled (a failed fetch carries no SDK frame in its stack).
 */
export function instrumentRest(sdk: OpenImSdk, timeoutMs: number): void {
  const target = sdk as unknown as object;
  // The raw function (reading through the Proxy would return its logging wrapper).
  const original = Reflect.getOwnPropertyDescriptor(target, "sendHttpRequest")?.value as
    | ((req: unknown) => Promise<unknown>)
    | undefined;
  if (typeof original !== "function") return;
  const wrapped = async (req: unknown) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        withRestAgent(() => original.call(target, req)),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`SDK REST call timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      if ((req as { reqFuncName?: string } | null)?.reqFuncName === "GetActiveConversations") muteSyncDump();
      return result;
    } catch (error) {
      throw markSdkError(error);
    } finally {
      clearTimeout(timer);
    }
  };
  Reflect.defineProperty(target, "sendHttpRequest", { value: wrapped, writable: true, configurable: true });
}

function markSdkError(error: unknown): unknown {
  const marked = error instanceof Error ? error : Object.assign(new Error(String(error)), { cause: error });
  (marked as unknown as Record<symbol, unknown>)[RELEASED_BY_CLIENT] = true;
  return marked;
}

let muted = 0;
let realWarn: typeof console.warn | undefined;
let filter: typeof console.warn | undefined;

/**
 * The SDK `console.warn`s the whole active-conversation answer on every sync, whatever its log level.
 * Right after that answer arrives (until the current microtasks have run) a warn of exactly that shape is
 * dropped; every other warning passes through.
 */
function muteSyncDump(): void {
  if (muted++ === 0) {
    const warn = console.warn;
    realWarn = warn;
    filter = (...args: unknown[]) => {
      const [first] = args;
      const dump =
        args.length === 1 &&
        typeof first === "object" &&
        first !== null &&
        "conversations" in first &&
        "unreadCount" in first;
      if (!dump) warn.apply(console, args);
    };
    console.warn = filter;
  }
  setImmediate(() => {
    if (--muted > 0 || !realWarn) return;
    // Someone else replaced console.warn meanwhile: leave theirs in place.
    if (console.warn === filter) console.warn = realWarn;
    realWarn = undefined;
    filter = undefined;
  });
}
