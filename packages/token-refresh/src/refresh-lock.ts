import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { readJsonFile, writeFileAtomic } from "@multi-openim/core";
import lockfile from "proper-lockfile";
import { refreshError } from "./errors.js";

/** Where other processes on this machine meet: one lock and one "last token" record per account. */
export interface RefreshLockOptions {
  /** Folder for the lock files; default `<marker folder>/locks` (~/.openclaw/multi-openim/locks). */
  dir?: string;
  /** A lock whose holder stopped updating it for this long is taken over (a killed process), ms. Min 2000. Default 10000. */
  staleMs?: number;
  /** Longest wait for another process's refresh, ms. Default 60000. */
  waitMs?: number;
  /** A token another process got this long before our request started is used instead of refreshing, ms. Default 1000. */
  reuseWindowMs?: number;
}

export interface LastToken {
  token: string;
  userID?: string;
  /** ms epoch (wall clock: compared across processes). */
  at: number;
  pid: number;
}

/**
 * Cross-process single-flight: a refresh of one account holds `<dir>/<accountId>.refresh.lock`; a process
 * that waited for it re-reads the record the holder left and uses that token instead of spending a
 * (rotating) refresh token again. `proper-lockfile` keeps the lock's mtime fresh while held, so a killed
 * holder's lock goes stale after `staleMs` and the next process takes it.
 */
export class RefreshLock {
  readonly staleMs: number;
  readonly #waitMs: number;
  readonly #reuseWindowMs: number;

  constructor(
    readonly dir: string,
    options: RefreshLockOptions,
    private readonly warn: (message: string) => void,
  ) {
    this.staleMs = Math.max(2000, options.staleMs ?? 10_000);
    this.#waitMs = Math.max(0, options.waitMs ?? 60_000);
    this.#reuseWindowMs = Math.max(0, options.reuseWindowMs ?? 1000);
  }

  /** Runs `task` holding the account's lock; `task` gets the token another process got meanwhile, if any. */
  async run<T>(accountId: string, task: (recent: LastToken | undefined) => Promise<T>): Promise<T> {
    const requestedAt = Date.now();
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = join(this.dir, `${accountId}.refresh`);
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        stale: this.staleMs,
        retries: { retries: Math.ceil(this.#waitMs / 100), minTimeout: 25, maxTimeout: 100, factor: 1.3 },
        onCompromised: (error) =>
          this.warn(`[token-refresh] account "${accountId}": refresh lock lost (${error.message})`),
      });
    } catch (error) {
      throw refreshError(
        "REFRESH_TIMEOUT",
        `another process has been refreshing "${accountId}" for over ${this.#waitMs} ms (lock ${target}.lock): ${(error as Error).message}`,
        { cause: error, retry: true },
      );
    }
    try {
      const last = await this.last(accountId);
      // Our own last token is not an answer: a second request from this process means it was refused.
      const fresh = last && last.pid !== process.pid && last.at >= requestedAt - this.#reuseWindowMs;
      const recent = fresh ? last : undefined;
      return await task(recent);
    } finally {
      await release().catch((error: Error) =>
        this.warn(
          `[token-refresh] account "${accountId}": releasing the refresh lock failed: ${error.message}`,
        ),
      );
    }
  }

  /** Leaves the new token for processes waiting on this lock (0600, atomic). Call while holding it. */
  async remember(accountId: string, token: string, userID: string | undefined): Promise<void> {
    const record: LastToken = { token, at: Date.now(), pid: process.pid, ...(userID ? { userID } : {}) };
    await writeFileAtomic(this.#lastPath(accountId), `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }

  async last(accountId: string): Promise<LastToken | undefined> {
    try {
      const record = await readJsonFile<LastToken>(this.#lastPath(accountId));
      return record && typeof record.token === "string" && typeof record.at === "number" ? record : undefined;
    } catch {
      return undefined; // a broken record only means: refresh
    }
  }

  #lastPath(accountId: string): string {
    return join(this.dir, `${accountId}.last.json`);
  }
}
