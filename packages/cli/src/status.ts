import { redactSecrets } from "@multi-openim/core";
import type { ConnectionResult, ConnectionTester } from "./connection-types.js";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes.js";
import { type CliIo, writeLine } from "./io.js";
import { describeExpiry } from "./token-info.js";
import { checkConfigFile } from "./validate.js";

export interface StatusFlags {
  config?: string;
  probe?: boolean;
  json?: boolean;
  timeoutMs?: number;
}

interface AccountReport {
  accountId: string;
  userID: string;
  platformID: number;
  wsAddr: string;
  apiAddr: string;
  tokenExpiresAt?: number;
  tokenExpired: boolean;
  probe?: ConnectionResult;
}

/** `multi-openim status`: each account's identity and token expiry; with --probe, one login each. */
export async function runStatus(
  flags: StatusFlags,
  io: CliIo,
  testConnection: ConnectionTester,
): Promise<number> {
  const { config, errors, warnings, accounts, result } = await checkConfigFile(flags.config, io);
  const now = Date.now();
  const reports: AccountReport[] = [];
  for (const account of accounts) {
    const report: AccountReport = {
      accountId: account.accountId,
      userID: account.userID,
      platformID: account.platformID,
      wsAddr: account.wsAddr,
      apiAddr: account.apiAddr,
      tokenExpired: account.tokenExpiresAt !== undefined && account.tokenExpiresAt <= now,
    };
    if (account.tokenExpiresAt !== undefined) report.tokenExpiresAt = account.tokenExpiresAt;
    // One account at a time: a probe is a real login, and parallel logins would compete for the same 2 cores.
    if (flags.probe) {
      // The probe holds the account's lease in the channel's store: a running gateway is named, not kicked.
      const store = result.config?.store;
      const probe = await testConnection(account, {
        timeoutMs: flags.timeoutMs ?? 15000,
        ...(store ? { lease: { store } } : {}),
      });
      report.probe = probe.ok ? probe : { ...probe, message: redactSecrets(probe.message, [account.token]) };
    }
    reports.push(report);
  }
  const failed = errors.length > 0 || reports.some((r) => r.probe && !r.probe.ok);
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify({ path: config.path, errors, warnings, accounts: reports }, null, 2));
    return failed ? EXIT_ERROR : EXIT_OK;
  }
  writeLine(io.stdout, `config: ${config.path}`);
  for (const issue of errors) writeLine(io.stdout, `error   ${issue.path}: ${issue.message}`);
  for (const issue of warnings) writeLine(io.stdout, `warning ${issue.path}: ${issue.message}`);
  for (const r of reports) {
    writeLine(io.stdout, `${r.accountId}: user ${r.userID} (platform ${r.platformID}) on ${r.wsAddr}`);
    writeLine(io.stdout, `  token: ${describeExpiry(r.tokenExpiresAt, now)}`);
    if (r.probe?.ok) writeLine(io.stdout, `  probe: ok, connected as ${r.probe.userID}`);
    else if (r.probe) writeLine(io.stdout, `  probe: FAILED (${r.probe.reason}): ${r.probe.message}`);
  }
  if (reports.length === 0 && errors.length === 0)
    writeLine(io.stdout, "no runnable accounts: run multi-openim setup");
  return failed ? EXIT_ERROR : EXIT_OK;
}
