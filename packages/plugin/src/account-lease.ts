import { join } from "node:path";
import type { StoreConfig } from "@multi-openim/core";
import { type AccountLease, acquireLease, gatewaySendHint } from "@multi-openim/token-refresh";
import type { Logger } from "./types.js";

export interface HoldOptions {
  /** The channel's `store`; with Redis a held account is waited for (standby) instead of refused. */
  store?: StoreConfig | undefined;
  /** The account's abort signal: a standby stops waiting when OpenClaw stops the account. */
  signal?: AbortSignal;
  /** A standby's status line, e.g. `standby: held by openclaw gateway (pid 12 on host-b, since …)`. */
  onStandby?: (message: string) => void;
  /** Redis standby: how often a held lease is tried again, ms. Default 1000. */
  pollMs?: number;
}

/**
 * The gateway holds each running account's lease, so an MCP server, the CLI or another gateway refuses the
 * account instead of logging in and kicking this session. With the file store (one machine) a held account
 * throws ACCOUNT_HELD (naming the holder) and OpenClaw retries startAccount later; with the Redis store (a
 * fleet) this gateway is a standby: it waits for the lease, which a dead holder loses after `leaseTtlMs`.
 * `lease.lost` aborts when the lease goes (heartbeat failed): the caller stops the account's client.
 */
export function holdAccount(
  stateDir: string,
  accountId: string,
  log: Logger,
  options: HoldOptions = {},
): Promise<AccountLease> {
  const redis = options.store?.kind === "redis";
  return acquireLease(accountId, {
    dir: join(stateDir, "multi-openim", "leases"),
    holder: "openclaw gateway",
    sendHint: gatewaySendHint,
    ...(options.store ? { store: options.store } : {}),
    ...(redis && options.signal
      ? {
          wait: {
            signal: options.signal,
            pollMs: options.pollMs ?? 1000,
            onHeld: (message: string) => {
              const holder = /held by (.*?); not logging in/.exec(message)?.[1] ?? "another gateway";
              log.info(`[multi-openim] ${accountId}: standby, the account is held by ${holder}`);
              options.onStandby?.(`standby: held by ${holder}`);
            },
          },
        }
      : {}),
    onLost: (id, error) =>
      log.warn(
        `[multi-openim] ${id}: account lease lost (${error.message}); stopping this account's client so another process can take it`,
      ),
  });
}
