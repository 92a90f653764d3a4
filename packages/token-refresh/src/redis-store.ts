import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { MultiOpenimError } from "@multi-openim/core";
import type { Redis } from "ioredis";
import type { AccountLease, LeaseHolder } from "./account-lease.js";
import { refreshError } from "./errors.js";
import type { LastToken, RefreshLockOptions } from "./refresh-lock.js";

/** `store: {kind: "redis", url}`: refresh locks, last tokens and account leases shared by many machines. */
export interface RedisStoreOptions {
  kind: "redis";
  url: string;
  /** Default "multi-openim:". */
  keyPrefix?: string;
}

// Renews or deletes a key only while it still holds our value (a lock that expired may be someone else's now).
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** One connection per store; `lock.run` and `lease` mirror the file-based RefreshLock and account leases. */
export class RedisStore {
  /** This process, across machines (pids repeat; this does not). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  readonly #prefix: string;

  private constructor(
    readonly redis: Redis,
    options: RedisStoreOptions,
  ) {
    this.#prefix = options.keyPrefix ?? "multi-openim:";
  }

  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const { Redis } = await import("ioredis");
    const redis = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    });
    await redis.connect();
    return new RedisStore(redis, options);
  }

  /** Holds `key` (SET NX PX) with a heartbeat; resolves the release, or undefined when taken by another. */
  async hold(
    key: string,
    value: string,
    ttlMs: number,
    onLost?: () => void,
  ): Promise<(() => Promise<void>) | undefined> {
    const full = this.#prefix + key;
    if ((await this.redis.set(full, value, "PX", ttlMs, "NX")) !== "OK") return undefined;
    const beat = setInterval(
      async () => {
        const kept = await this.redis.eval(RENEW, 1, full, value, ttlMs).catch(() => 0);
        if (kept !== 1) {
          clearInterval(beat);
          onLost?.();
        }
      },
      Math.max(200, Math.floor(ttlMs / 3)),
    );
    beat.unref();
    return async () => {
      clearInterval(beat);
      await this.redis.eval(RELEASE, 1, full, value).catch(() => undefined);
    };
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(this.#prefix + key);
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.#prefix + key, value, "PX", ttlMs);
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** Cross-machine single-flight for refreshes: the RefreshLock contract, on Redis. */
export class RedisRefreshLock {
  readonly #ttlMs: number;
  readonly #waitMs: number;
  readonly #reuseWindowMs: number;

  constructor(
    private readonly store: Promise<RedisStore>,
    options: RefreshLockOptions,
    private readonly warn: (message: string) => void,
  ) {
    this.#ttlMs = Math.max(2000, options.staleMs ?? 10_000);
    this.#waitMs = Math.max(0, options.waitMs ?? 60_000);
    this.#reuseWindowMs = Math.max(0, options.reuseWindowMs ?? 1000);
  }

  async run<T>(accountId: string, task: (recent: LastToken | undefined) => Promise<T>): Promise<T> {
    const store = await this.store;
    const requestedAt = Date.now();
    let release: (() => Promise<void>) | undefined;
    for (const deadline = requestedAt + this.#waitMs; ; ) {
      release = await store.hold(`refresh-lock:${accountId}`, store.owner, this.#ttlMs, () =>
        this.warn(`[token-refresh] account "${accountId}": Redis refresh lock lost`),
      );
      if (release) break;
      if (Date.now() > deadline) {
        throw refreshError(
          "REFRESH_TIMEOUT",
          `another gateway has been refreshing "${accountId}" for over ${this.#waitMs} ms`,
          {
            retry: true,
          },
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    try {
      const raw = await store.get(`last-token:${accountId}`);
      const last = raw ? (JSON.parse(raw) as LastToken & { owner?: string }) : undefined;
      const fresh = last && last.owner !== store.owner && last.at >= requestedAt - this.#reuseWindowMs;
      return await task(fresh ? last : undefined);
    } finally {
      await release();
    }
  }

  async remember(accountId: string, token: string, userID: string | undefined): Promise<void> {
    const store = await this.store;
    const record = {
      token,
      at: Date.now(),
      pid: process.pid,
      owner: store.owner,
      ...(userID ? { userID } : {}),
    };
    await store.put(`last-token:${accountId}`, JSON.stringify(record), 10 * 60_000);
  }
}

/**
 * An account lease on Redis: held while the heartbeat renews it; a holder that dies stops renewing, the
 * key expires after `ttlMs`, and another gateway's `acquire` takes the account over.
 */
export async function acquireRedisLease(
  store: RedisStore,
  accountId: string,
  options: { holder: string; sendHint: string; ttlMs?: number; onLost?: () => void },
): Promise<AccountLease> {
  const record: LeaseHolder & { owner: string } = {
    holder: options.holder,
    pid: process.pid,
    host: hostname(),
    since: Date.now(),
    sendHint: options.sendHint,
    owner: store.owner,
  };
  const value = JSON.stringify(record);
  const release = await store.hold(
    `lease:${accountId}`,
    value,
    Math.max(1000, options.ttlMs ?? 10_000),
    options.onLost,
  );
  if (release) return { accountId, release };
  const raw = await store.get(`lease:${accountId}`);
  const held = raw ? (JSON.parse(raw) as LeaseHolder) : undefined;
  const who = held
    ? `${held.holder} (pid ${held.pid} on ${held.host}, since ${new Date(held.since).toISOString()})`
    : "another gateway";
  throw new MultiOpenimError(
    "ACCOUNT_HELD",
    `account "${accountId}" is held by ${who}; not logging in here, so nobody is kicked. Send through the holder: ${held?.sendHint ?? options.sendHint}`,
  );
}
