import type { OpenImSdk } from "./sdk-loader.js";
import { RELEASED_BY_CLIENT } from "./sdk-rejections.js";

/**
 * Routes the instance's REST calls (the SDK looks `sendHttpRequest` up on itself at each call) through a
 * timeout — it has none — and marks their failures as the SDK's, so the rejection guard recognises the
 * ones the SDK leaves unhandled (a failed fetch carries no SDK frame in its stack).
 */
export function instrumentRest(sdk: OpenImSdk, timeoutMs: number): void {
  const inner = sdk as unknown as { sendHttpRequest?: (req: unknown) => Promise<unknown> };
  const original = inner.sendHttpRequest;
  if (typeof original !== "function") return;
  const target = sdk as unknown as object;
  const wrapped = async (req: unknown) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        original.call(target, req),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`SDK REST call timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
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
