import { refreshError } from "./errors.js";
import type { RefreshedToken } from "./http-refresh.js";
import type { SecretRegistry } from "./secrets.js";

/** The seed's programmatic hook: resolve `{token, userID?}`, or null when no token can be had. */
export type TokenRefresherHook = (
  accountId: string,
  reason: string,
) =>
  | Promise<{ token: string; userID?: string } | null | undefined>
  | { token: string; userID?: string }
  | null
  | undefined;

declare global {
  var __multiOpenimTokenRefresher: TokenRefresherHook | undefined;
}

/** `mode: "hook"`: asks `globalThis.__multiOpenimTokenRefresher`; unset, null, a throw or no token all fail. */
export async function hookRefresh(
  accountId: string,
  reason: string,
  secrets: SecretRegistry,
): Promise<RefreshedToken> {
  const hook = globalThis.__multiOpenimTokenRefresher;
  if (typeof hook !== "function") {
    throw refreshError(
      "REFRESH_HOOK_FAILED",
      `tokenRefresh.mode is "hook" but globalThis.__multiOpenimTokenRefresher is not a function; set it, or use mode "http"`,
    );
  }
  let result: Awaited<ReturnType<TokenRefresherHook>>;
  try {
    result = await hook(accountId, reason);
  } catch (error) {
    // A hook's message may quote the credential it failed with: only its code or class name is reported.
    throw refreshError(
      "REFRESH_HOOK_FAILED",
      `__multiOpenimTokenRefresher threw ${describeThrown(error)}; see the hook's own logs for why`,
      {
        cause: error,
      },
    );
  }
  if (result === null || result === undefined) {
    throw refreshError(
      "REFRESH_HOOK_FAILED",
      `__multiOpenimTokenRefresher returned no token for "${accountId}"`,
    );
  }
  if (typeof result.token !== "string" || result.token.length === 0) {
    throw refreshError(
      "REFRESH_NO_TOKEN",
      `__multiOpenimTokenRefresher returned an object without a string token`,
    );
  }
  secrets.add(result.token);
  const userID = typeof result.userID === "string" && result.userID !== "" ? result.userID : undefined;
  return userID === undefined
    ? { token: result.token, clearPaths: [] }
    : { token: result.token, userID, clearPaths: [] };
}

function describeThrown(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return `(code ${code})`;
  if (error instanceof Error && /^[A-Za-z0-9_]{1,64}$/.test(error.name)) return `(${error.name})`;
  return `(a ${typeof error})`;
}
