import type { AccountClient, Logger } from "./types.js";

export interface HealthWatchOptions {
  /** The account's current client (a restart replaces it). */
  client: () => Pick<AccountClient, "status">;
  /** `healthCheckIntervalMinutes` in ms: a connected account silent for longer is restarted. */
  intervalMs: number;
  /** How often the snapshot (with transport activity) is re-published to OpenClaw. Default 60 s. */
  publishEveryMs?: number;
  publish: () => void;
  restart: (reason: string) => Promise<void>;
  log: Logger;
  now?: () => number;
}

/**
 * OpenClaw 2026.9.6 has no per-channel health interval: its monitor checks every 5 min and restarts
 * an account whose transport activity is older than 30 min (`gateway.channelHealthCheckMinutes` is
 * rejected as config). So `healthCheckIntervalMinutes` is enforced here, per account: the client's
 * activity stamps (pongs included) are re-published every minute so the gateway's monitor sees a
 * healthy idle account as healthy, and a "connected" socket silent for longer than the interval is
 * restarted by the plugin itself — only that account.
 */
export function startHealthWatch(options: HealthWatchOptions): () => void {
  const now = options.now ?? Date.now;
  const publishEveryMs = Math.min(options.publishEveryMs ?? 60_000, options.intervalMs);
  let restarting = false;
  const publishTimer = setInterval(options.publish, publishEveryMs);
  const checkTimer = setInterval(() => {
    const status = options.client().status();
    const last = status.lastTransportActivityAt;
    if (restarting || !status.connected || last === undefined) return;
    const silentMs = now() - last;
    if (silentMs <= options.intervalMs) return;
    restarting = true;
    const reason = `no transport activity for ${Math.round(silentMs / 1000)} s (healthCheckIntervalMinutes)`;
    options.log.warn(`[multi-openim] ${status.accountId}: ${reason}; restarting its connection`);
    options
      .restart(reason)
      .catch((error) =>
        options.log.error(`[multi-openim] ${status.accountId}: restart failed: ${String(error)}`),
      )
      .finally(() => {
        restarting = false;
      });
  }, options.intervalMs);
  publishTimer.unref?.();
  checkTimer.unref?.();
  return () => {
    clearInterval(publishTimer);
    clearInterval(checkTimer);
  };
}
