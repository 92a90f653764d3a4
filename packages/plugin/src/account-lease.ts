import { join } from "node:path";
import { type AccountLease, acquireAccountLease, gatewaySendHint } from "@multi-openim/token-refresh";
import type { Logger } from "./types.js";

/**
 * The gateway holds each running account's lease (`<stateDir>/multi-openim/leases`), so an MCP server or a
 * second gateway on this machine refuses the account instead of logging in and kicking this session.
 * A held account throws ACCOUNT_HELD (naming the holder); OpenClaw retries startAccount later.
 */
export function holdAccount(stateDir: string, accountId: string, log: Logger): Promise<AccountLease> {
  return acquireAccountLease(accountId, {
    dir: join(stateDir, "multi-openim", "leases"),
    holder: "openclaw gateway",
    sendHint: gatewaySendHint,
    onLost: (id, error) =>
      log.warn(`[multi-openim] ${id}: account lease lost (${error.message}); another process may take it`),
  });
}
