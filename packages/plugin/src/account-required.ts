import { MultiOpenimError } from "@multi-openim/core";

/**
 * A send without an account: the seed's "accountId is required (no default fallback)" plus the accounts
 * to choose from, like the MCP server's. OpenClaw prints String(error) to the `openclaw message send`
 * user, so the class name ("MultiOpenimError: …") is left out of it.
 */
export function accountRequiredError(accountIds: readonly string[]): MultiOpenimError {
  const choice =
    accountIds.length > 0
      ? `pass --account one of ${accountIds.map((id) => JSON.stringify(id)).join(", ")}`
      : "no multi-openim account is configured yet: add one with `openclaw multi-openim setup`";
  const error = new MultiOpenimError(
    "ACCOUNT_UNKNOWN",
    `accountId is required (no default fallback): ${choice}`,
  );
  error.toString = () => error.message;
  return error;
}
