import { join } from "node:path";
import {
  MultiOpenimError,
  type ResolvedAccount,
  resolveOpenClawStateDir,
  type StoreConfig,
} from "@multi-openim/core";
import { type AccountLease, acquireLease } from "@multi-openim/token-refresh";

/**
 * Takes each account's lease before the MCP server logs it in. An account the gateway (or another MCP
 * server) holds is refused with who holds it and how to send through it, and left alone: a second login
 * on the same platform would kick the holder's session.
 */
export async function takeLeases(
  accounts: ResolvedAccount[],
  env: Record<string, string | undefined>,
  refuse: (message: string) => void,
  /** The channel's `store`: with Redis the leases are the fleet's (a gateway on another machine counts). */
  store?: StoreConfig,
): Promise<{ free: ResolvedAccount[]; release: () => Promise<void> }> {
  const dir = join(resolveOpenClawStateDir(env), "multi-openim", "leases");
  const leases: AccountLease[] = [];
  const free: ResolvedAccount[] = [];
  for (const account of accounts) {
    try {
      leases.push(
        await acquireLease(account.accountId, {
          dir,
          ...(store ? { store } : {}),
          holder: "multi-openim-mcp",
          sendHint: (id) => `the multi_openim_send_text tool of that multi-openim-mcp with accountId "${id}"`,
        }),
      );
      free.push(account);
    } catch (error) {
      if (!(error instanceof MultiOpenimError && error.code === "ACCOUNT_HELD")) throw error;
      refuse(error.message);
    }
  }
  return { free, release: async () => void (await Promise.all(leases.map((lease) => lease.release()))) };
}
