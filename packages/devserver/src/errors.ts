/** Codes the devserver raises for bad control input or a wait that ran out; callers branch on these. */
export type DevServerErrorCode = "DEVSERVER_BAD_INPUT" | "DEVSERVER_TIMEOUT" | "DEVSERVER_CLOSED";

export class DevServerError extends Error {
  override readonly name = "DevServerError";
  readonly code: DevServerErrorCode;

  constructor(code: DevServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[devserver] ${message}`, options);
    this.code = code;
  }
}

export function isDevServerError(error: unknown): error is DevServerError {
  return error instanceof DevServerError || (error as { name?: unknown })?.name === "DevServerError";
}
