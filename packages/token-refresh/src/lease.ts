import { MultiOpenimError } from "@multi-openim/core";
import { type AccountLease, acquireAccountLease } from "./account-lease.js";
import { acquireRedisLease, type RedisStoreOptions, sharedRedisStore } from "./redis-store.js";

export interface LeaseRequest {
  /** Names this process in the refusal others print, e.g. "openclaw gateway" or "multi-openim-mcp". */
  holder: string;
  /** How others send through this process instead of logging the account in. */
  sendHint: (accountId: string) => string;
  /** The channel's `store`: files (default) or Redis, shared by every machine with the same url. */
  store?: RedisStoreOptions | { kind: "file" } | undefined;
  /** Folder of the file leases, e.g. `<OpenClaw state dir>/multi-openim/leases` (file store). */
  dir: string;
  /** File store: a holder that stopped its heartbeat this long ago loses the lease, ms. Default 15000. */
  staleMs?: number;
  /**
   * Wait for a held account instead of refusing it (a standby gateway): polls every `pollMs` until the
   * lease is free or `signal` aborts; `onHeld` gets the holder's description each time it changes.
   */
  wait?: { signal: AbortSignal; pollMs?: number; onHeld?: (message: string) => void };
  onLost?: (accountId: string, error: Error) => void;
}

/**
 * Takes one account's lease in the configured store. Held by another process: ACCOUNT_HELD naming the
 * holder and how to send through it, or (with `wait`) a wait until the holder releases it or dies.
 */
export async function acquireLease(accountId: string, request: LeaseRequest): Promise<AccountLease> {
  // One connection for all the polls of a standby; the lease's release gives it back.
  const connection = request.store?.kind === "redis" ? sharedRedisStore(request.store) : undefined;
  const take =
    connection && request.store?.kind === "redis"
      ? redisOnce(accountId, request.store, connection, request)
      : () => fileOnce(accountId, request);
  let last: string | undefined;
  try {
    for (;;) {
      try {
        return await take();
      } catch (error) {
        if (!(error instanceof MultiOpenimError && error.code === "ACCOUNT_HELD") || !request.wait)
          throw error;
        if (error.message !== last) request.wait.onHeld?.(error.message);
        last = error.message;
      }
      await sleep(request.wait.pollMs ?? 500, request.wait.signal);
    }
  } catch (error) {
    connection?.release();
    throw error;
  }
}

function fileOnce(accountId: string, request: LeaseRequest): Promise<AccountLease> {
  return acquireAccountLease(accountId, {
    dir: request.dir,
    holder: request.holder,
    sendHint: request.sendHint,
    ...(request.staleMs !== undefined ? { staleMs: request.staleMs } : {}),
    ...(request.onLost ? { onLost: request.onLost } : {}),
  });
}

function redisOnce(
  accountId: string,
  options: RedisStoreOptions,
  connection: ReturnType<typeof sharedRedisStore>,
  request: LeaseRequest,
): () => Promise<AccountLease> {
  return async () => {
    const store = await connection.store;
    const lease = await acquireRedisLease(store, accountId, {
      holder: request.holder,
      sendHint: request.sendHint(accountId),
      ttlMs: options.leaseTtlMs ?? 10_000,
      onLost: () =>
        request.onLost?.(accountId, new Error("the Redis lease expired or was taken (Redis unreachable?)")),
    });
    return {
      ...lease,
      release: async () => {
        await lease.release();
        connection.release();
      },
    };
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = () => {
      clearTimeout(timer);
      reject(new MultiOpenimError("STOPPED", "stopped while waiting for the account's lease"));
    };
    if (signal.aborted) return abort();
    timer = setTimeout(() => {
      signal.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal.addEventListener("abort", abort, { once: true });
  });
}
