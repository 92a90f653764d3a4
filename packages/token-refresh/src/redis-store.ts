import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { MultiOpenimError, redactSecrets, redactUrlCredentials, urlCredentials } from "@multi-openim/core";
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
  /** An account lease outlives a holder that stopped renewing it by this long, ms. Default 10000. */
  leaseTtlMs?: number;
}

const shared = new Map<string, { store: Promise<RedisStore>; users: number }>();

/**
 * One Redis connection per URL and prefix in a process, however many refreshers, leases and accounts use
 * it; the last `release()` closes it.
 */
export function sharedRedisStore(options: RedisStoreOptions): {
  store: Promise<RedisStore>;
  release: () => void;
} {
  const key = `${options.keyPrefix ?? "multi-openim:"}\u0000${options.url}`;
  let entry = shared.get(key);
  if (!entry) {
    const created = { store: RedisStore.connect(options), users: 0 };
    // A failed connection is not cached: the next user tries again.
    created.store.catch(() => {
      if (shared.get(key) === created) shared.delete(key);
    });
    shared.set(key, created);
    entry = created;
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    store: held.store,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0) return;
      if (shared.get(key) === held) shared.delete(key);
      void held.store.then((store) => store.close()).catch(() => undefined);
    },
  };
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
    // Failures reach the caller through the commands (a lease heartbeat that fails is a lost lease);
    // without a listener ioredis would print every reconnect attempt.
    redis.on("error", () => {});
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new MultiOpenimError(
        "STORE_UNREACHABLE",
        `the Redis store ${redactUrlCredentials(options.url)} is unreachable (${redactSecrets((error as Error).message, urlCredentials(options.url))}): check channels.multi-openim.store.url and that redis-server runs there`,
        { cause: error },
      );
    }
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

  /** A text value under `key` (no expiry), e.g. an account's saved positions. */
  text(key: string): {
    where: string;
    read(): Promise<string | undefined>;
    write(text: string): Promise<void>;
  } {
    const full = this.#prefix + key;
    return {
      where: `redis key ${full}`,
      read: async () => (await this.redis.get(full)) ?? undefined,
      write: async (text) => void (await this.redis.set(full, text)),
    };
  }

  /** An account's refresh state (the http stateFile entry), or undefined when Redis has none yet. */
  async readState(accountId: string): Promise<Record<string, unknown> | undefined> {
    const raw = await this.redis.hgetall(`${this.#prefix}state:${accountId}`);
    const fields = Object.entries(raw);
    if (fields.length === 0) return undefined;
    const state: Record<string, unknown> = Object.create(null);
    for (const [field, value] of fields) state[field] = JSON.parse(value);
    return state;
  }

  /** Merges fields into the account's refresh state in one command (HSET: atomic). */
  async writeState(accountId: string, fields: Record<string, unknown>): Promise<void> {
    const flat = Object.entries(fields).flatMap(([field, value]) => [field, JSON.stringify(value)]);
    if (flat.length > 0) await this.redis.hset(`${this.#prefix}state:${accountId}`, ...flat);
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

/**
 * A text value in the shared store, e.g. a client's saved positions (`watermarks:<accountId>`): each read
 * or write borrows the process's connection (kept open meanwhile by the account's lease).
 */
export function sharedRedisText(
  options: RedisStoreOptions,
  key: string,
): { where: string; read(): Promise<string | undefined>; write(text: string): Promise<void> } {
  const borrow = async <T>(use: (store: RedisStore) => Promise<T>): Promise<T> => {
    const connection = sharedRedisStore(options);
    try {
      return await use(await connection.store);
    } finally {
      connection.release();
    }
  };
  return {
    where: `redis key ${options.keyPrefix ?? "multi-openim:"}${key}`,
    read: () => borrow((store) => store.text(key).read()),
    write: (text) => borrow((store) => store.text(key).write(text)),
  };
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
  const lost = new AbortController();
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
    () => {
      lost.abort(new Error(`the Redis lease of "${accountId}" expired or was taken`));
      options.onLost?.();
    },
  );
  if (release) return { accountId, release, lost: lost.signal };
  const raw = await store.get(`lease:${accountId}`);
  const held = parseHolder(raw);
  const who = held
    ? `${held.holder} (pid ${held.pid} on ${held.host}, since ${new Date(held.since).toISOString()})`
    : "another gateway";
  throw new MultiOpenimError(
    "ACCOUNT_HELD",
    `account "${accountId}" is held by ${who}; not logging in here, so nobody is kicked. Send through the holder: ${held?.sendHint ?? options.sendHint}`,
  );
}

/** The holder record in a lease key; anything else (another tool's value) is just "another gateway". */
function parseHolder(raw: string | null): LeaseHolder | undefined {
  try {
    const value = raw ? (JSON.parse(raw) as Partial<LeaseHolder>) : undefined;
    return value && typeof value.holder === "string" ? (value as LeaseHolder) : undefined;
  } catch {
    return undefined;
  }
}
