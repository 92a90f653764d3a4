import { MultiOpenimError } from "@multi-openim/core";

/** A mistake in what the user typed: reported with exit code 2. */
export function usageError(message: string): MultiOpenimError {
  return new MultiOpenimError("CLI_USAGE", `[multi-openim] ${message}`);
}
