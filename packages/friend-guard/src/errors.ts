/** The code callers grep for; stable across versions. */
export const FRIEND_API_DISABLED_CODE = "MULTI_OPENIM_FRIEND_API_DISABLED" as const;

/**
 * Raised by every guarded friend method. friend-guard imports no sibling package, so it carries its own
 * error class instead of core's MultiOpenimError; the `code` is what callers branch on.
 */
export class FriendApiDisabledError extends Error {
  override readonly name = "FriendApiDisabledError";
  readonly code = FRIEND_API_DISABLED_CODE;
  readonly accountId: string;
  readonly method: string;

  constructor(method: string, accountId: string) {
    super(
      `SDK ${method}() is disabled by multi-openim-channel (account=${accountId}). ` +
        "Route friend operations through your own backend.",
    );
    this.method = method;
    this.accountId = accountId;
  }
}

export function isFriendApiDisabledError(error: unknown): error is FriendApiDisabledError {
  return (error as { code?: unknown } | null)?.code === FRIEND_API_DISABLED_CODE;
}
