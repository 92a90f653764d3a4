import { startRig } from "./rig.ts";
import { type Spread, spread, waitUntil } from "./stats.ts";

export interface MassExpiryResult {
  accounts: number;
  refreshCalls: number;
  refreshesSucceeded: number;
  refreshAttempts: number;
  recovered: number;
  recovery: Spread;
  allRecoveredMs: number;
  sent: number;
  received: number;
  duplicates: number;
  secretsInLogs: number;
  logLines: number;
}

/**
 * N accounts on a few devservers, every token expired at the same instant: how many refresh calls that
 * costs (single-flight per account: ideally exactly N), how long each account takes to be back, and
 * whether a DM sent to each bot during the outage arrives exactly once (from its usual peer, or with
 * `newPeers` from a user it has never talked to: a conversation that appears while it is away).
 */
export async function massExpiry(accounts = 50, servers = 5, newPeers = false): Promise<MassExpiryResult> {
  const rig = await startRig({ accounts, servers });
  try {
    // Usually each bot already talks with the human; with `newPeers` it has had no conversation at all yet.
    if (!newPeers) {
      const warm = rig.accounts.map((_, i) => rig.humanSends(i, 1, "warm"));
      await waitUntil(() => warm.every((ids, i) => rig.tally(i, ids).received === 1), 30_000, 20);
    }
    const before = rig.clients.map((c) => c.status().reconnects);
    const recoveredAt: (number | undefined)[] = rig.clients.map(() => undefined);
    const started = performance.now();
    for (const [i, client] of rig.clients.entries()) {
      client.on("status", (s) => {
        if (recoveredAt[i] === undefined && s.connected && s.reconnects > before[i]!)
          recoveredAt[i] = performance.now() - started;
      });
    }
    for (const a of rig.accounts) rig.serverOf.get(a.accountId)!.expireToken(a.userID);
    const sent = rig.accounts.map((_, i) =>
      newPeers ? rig.strangerSends(i, 1, "first contact") : rig.humanSends(i, 1, "during-expiry"),
    );
    await waitUntil(() => recoveredAt.every((t) => t !== undefined), 90_000, 20);
    const allRecoveredMs = performance.now() - started;
    await waitUntil(() => sent.every((ids, i) => rig.tally(i, ids).received === ids.length), 60_000, 20);
    await new Promise((r) => setTimeout(r, 500)); // a late duplicate would land here
    const tallies = sent.map((ids, i) => rig.tally(i, ids));
    const times = recoveredAt.filter((t): t is number => t !== undefined);
    return {
      accounts,
      refreshCalls: rig.endpoint.calls.length,
      refreshesSucceeded: rig.refreshStats.succeeded,
      refreshAttempts: rig.refreshStats.attempts,
      recovered: times.length,
      recovery: spread(times),
      allRecoveredMs,
      sent: tallies.reduce((n, t) => n + t.sent, 0),
      received: tallies.reduce((n, t) => n + t.received, 0),
      duplicates: tallies.reduce((n, t) => n + t.duplicates, 0),
      secretsInLogs: rig.leaks().length,
      logLines: rig.logLines().length,
    };
  } finally {
    await rig.stop();
  }
}
