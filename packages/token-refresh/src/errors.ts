import { MultiOpenimError, type MultiOpenimErrorCode } from "@multi-openim/core";

// Failures worth another attempt inside one refresh (the endpoint may recover); everything else is final.
const transient = new WeakSet<MultiOpenimError>();

/** A MultiOpenimError tagged `[token-refresh]`; `retry: true` marks it as worth another attempt. */
export function refreshError(
  code: MultiOpenimErrorCode,
  message: string,
  options: { cause?: unknown; retry?: boolean } = {},
): MultiOpenimError {
  const error = new MultiOpenimError(code, `[token-refresh] ${message}`, { cause: options.cause });
  if (options.retry) transient.add(error);
  return error;
}

export function isTransient(error: unknown): boolean {
  return error instanceof MultiOpenimError && transient.has(error);
}

/** 5xx and 429 may pass; 4xx (bad refresh token, bad request) will not, so retrying only hammers the server. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
