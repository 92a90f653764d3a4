/** Every code the multi-openim packages raise; callers branch on these, never on message text. */
export type MultiOpenimErrorCode =
  | "CONFIG_INVALID"
  | "ACCOUNT_ID_INVALID"
  | "TOKEN_MALFORMED"
  | "FILE_READ"
  | "FILE_WRITE"
  | "CONFIG_PATCH"
  | "TARGET_INVALID"
  | "REFRESH_HTTP_STATUS"
  | "REFRESH_TIMEOUT"
  | "REFRESH_NETWORK"
  | "REFRESH_BAD_JSON"
  | "REFRESH_NO_TOKEN"
  | "REFRESH_STATE_WRITE"
  | "REFRESH_STATE_READ"
  | "REFRESH_PERSIST"
  | "REFRESH_HOOK_FAILED"
  | "REFRESH_DISABLED"
  | "REFRESH_CIRCUIT_OPEN"
  | "NOT_CONNECTED"
  | "ACCOUNT_UNKNOWN"
  | "ACCOUNT_HELD"
  | "STORE_UNREACHABLE"
  | "SEND_TIMEOUT"
  | "SEND_FAILED"
  | "LOGIN_FAILED"
  | "NEEDS_LOGIN"
  | "MEDIA_REFUSED"
  | "MEDIA_FETCH_FAILED"
  | "STOPPED"
  | "TOOL_INPUT_INVALID"
  | "TOOL_ACCOUNT_REFUSED"
  | "CLI_USAGE";

export class MultiOpenimError extends Error {
  override readonly name = "MultiOpenimError";
  readonly code: MultiOpenimErrorCode;

  constructor(code: MultiOpenimErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Wraps anything thrown into a MultiOpenimError, keeping an existing one as it is. */
  static from(error: unknown, fallbackCode: MultiOpenimErrorCode): MultiOpenimError {
    if (isMultiOpenimError(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new MultiOpenimError(fallbackCode, message, { cause: error });
  }
}

export function isMultiOpenimError(error: unknown): error is MultiOpenimError {
  return error instanceof MultiOpenimError || (error as { name?: unknown })?.name === "MultiOpenimError";
}
