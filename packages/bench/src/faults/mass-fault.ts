import { massExpiry } from "../mass-expiry.ts";
import type { FaultRow } from "./row.ts";

/** 50 accounts on 5 servers, every token expired at once: each account refreshes once and loses nothing. */
export async function massExpiryFault(accounts = 50, newPeers = false): Promise<FaultRow> {
  const r = await massExpiry(accounts, 5, newPeers);
  return {
    fault: `${accounts} accounts expiring together${newPeers ? ", first DMs from new peers" : ""}`,
    recovered: r.recovered === accounts,
    outcome: `${r.recovered}/${accounts} back, all in ${(r.allRecoveredMs / 1000).toFixed(1)} s; ${r.refreshesSucceeded} refreshes, ${r.refreshAttempts} attempts`,
    sent: r.sent,
    received: r.received,
    duplicates: r.duplicates,
    refreshCalls: r.refreshCalls,
    secretsInLogs: r.secretsInLogs,
    logLines: r.logLines,
  };
}
