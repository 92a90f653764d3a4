import { CommanderError } from "commander";
import type { CliIo } from "./io.js";

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** Problems with what the user typed (flags, ids, tokens) are usage errors; everything else is a failure. */
const USAGE_CODES = new Set(["CLI_USAGE", "ACCOUNT_ID_INVALID", "TOKEN_MALFORMED"]);

/**
 * The one place an error becomes a message and an exit code. Nothing deeper prints and exits.
 * Messages go through JWT redaction as a last guard: a token must never reach the terminal.
 * Core loads only here, on an error, so `--help` and `--version` start without it.
 */
export async function reportCliError(error: unknown, io: CliIo): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; --help and --version end with 0, the rest is bad usage.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  const { isMultiOpenimError, redactTokensInText } = await import("@multi-openim/core");
  if (isMultiOpenimError(error)) {
    io.stderr.write(`error: ${redactTokensInText(error.message)}\n`);
    return USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_ERROR;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`error: unexpected failure: ${redactTokensInText(message)}\n`);
  return EXIT_ERROR;
}
