import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@multi-openim/core";
import { type Clock, type ClockTimer, realClock } from "./clock.js";
import type { Ledger } from "./ledger.js";

/** What one account handed on before it stopped, as saved under the state dir. */
export interface SavedWatermarks {
  /** Last handled seq per conversation. */
  seqs: Record<string, number>;
  /** Newest server sendTime handled (server clock), the cut for conversations new since then. */
  lastServerTime: number | undefined;
  /** When the account's first baseline was taken (our clock): the cut when nothing was handled yet. */
  since: number;
}

interface FileShape extends SavedWatermarks {
  version: 1;
  /** The identity the seqs belong to: another user or server makes them meaningless. */
  userID: string;
  apiAddr: string;
}

/**
 * Where one account's saved positions live: a file by default; the plugin passes a Redis one when the
 * channel's `store` is Redis, so the gateway that takes an account over catches up from the same positions.
 */
export interface WatermarkStorage {
  /** For messages: a path, or a redacted key name. */
  readonly where: string;
  /** The saved text, or undefined when nothing was saved yet. */
  read(): Promise<string | undefined>;
  /** Replaces the saved text atomically (a file: temp + rename, 0600). */
  write(text: string): Promise<void>;
}

/** The default storage: `<stateDir>/watermarks-<accountId>.json`. */
export function fileWatermarkStorage(stateDir: string, accountId: string): WatermarkStorage {
  const file = watermarkFile(stateDir, accountId);
  return {
    where: file,
    read: async () => {
      try {
        return await readFile(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    write: (text) => writeFileAtomic(file, text, { mode: 0o600 }),
  };
}

export interface WatermarkStoreOptions {
  storage: WatermarkStorage;
  accountId: string;
  userID: string;
  apiAddr: string;
  /** How long changes wait to share one write. */
  flushDelayMs: number;
  warn: (message: string) => void;
  /** The flush delay runs on it, and `since` is read from it (default: the real clock). */
  clock?: Clock;
}

/** `<stateDir>/watermarks-<accountId>.json` (account ids are validated by core: safe file names). */
export function watermarkFile(stateDir: string, accountId: string): string {
  return join(stateDir, `watermarks-${accountId}.json`);
}

/**
 * Persists an account's ledger positions so a restart catches up from where the last process stopped
 * instead of taking a new baseline. Writes are batched (one per `flushDelayMs` at most, never per message)
 * and atomic (temp file, fsync, rename; 0600 in a 0700 folder); `flush()` at stop writes what is left.
 * A crash loses at most the last batch: those messages are caught up again (re-delivered, not lost).
 */
export class WatermarkStore {
  readonly where: string;
  private readonly clock: Clock;
  private since: number;
  private timer: ClockTimer | undefined;
  private writing: Promise<void> = Promise.resolve();
  private ledger: Ledger | undefined;

  constructor(private readonly options: WatermarkStoreOptions) {
    this.where = options.storage.where;
    this.clock = options.clock ?? realClock;
    this.since = this.clock.now();
  }

  /** The saved positions, or undefined on an account's very first start (or for another identity). */
  async load(): Promise<SavedWatermarks | undefined> {
    let text: string | undefined;
    try {
      text = await this.options.storage.read();
    } catch (error) {
      this.options.warn(`watermarks ${this.where} unreadable (${String(error)}): taking a new baseline`);
      return undefined;
    }
    if (text === undefined) return undefined;
    try {
      const saved = JSON.parse(text) as Partial<FileShape>;
      if (saved.version !== 1 || typeof saved.seqs !== "object" || saved.seqs === null)
        throw new Error("bad shape");
      if (saved.userID !== this.options.userID || saved.apiAddr !== this.options.apiAddr) {
        this.options.warn(
          `watermarks ${this.where} belong to another user or server: taking a new baseline for this one`,
        );
        return undefined;
      }
      this.since = typeof saved.since === "number" ? saved.since : this.since;
      const seqs: Record<string, number> = {};
      for (const [id, seq] of Object.entries(saved.seqs)) if (Number.isFinite(seq) && seq > 0) seqs[id] = seq;
      const lastServerTime = typeof saved.lastServerTime === "number" ? saved.lastServerTime : undefined;
      return { seqs, lastServerTime, since: this.since };
    } catch (error) {
      this.options.warn(`watermarks ${this.where} not valid (${String(error)}): taking a new baseline`);
      return undefined;
    }
  }

  /** Watches the ledger: every raise schedules one batched write. */
  attach(ledger: Ledger): void {
    this.ledger = ledger;
    ledger.onChange = () => this.schedule();
  }

  schedule(): void {
    if (this.timer || !this.ledger) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        void this.flush().catch((error) => this.options.warn(String((error as Error)?.message ?? error)));
      },
      this.options.flushDelayMs,
      { unref: true },
    );
  }

  /** Writes the current positions now (after any write in progress). */
  flush(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const ledger = this.ledger;
    if (!ledger) return this.writing;
    const data: FileShape = {
      version: 1,
      userID: this.options.userID,
      apiAddr: this.options.apiAddr,
      since: this.since,
      lastServerTime: ledger.savedServerTime(),
      seqs: ledger.positions(),
    };
    const text = JSON.stringify(data);
    this.writing = this.writing.catch(() => undefined).then(() => this.options.storage.write(text));
    return this.writing;
  }
}

/**
 * The account's store when the client has a storage (given, or a file in its state dir): saved positions
 * are restored into the inbound pipeline (no baseline then) and every later raise is saved, batched.
 * Undefined without either.
 */
export async function openWatermarks(
  options: Omit<WatermarkStoreOptions, "storage"> & {
    stateDir: string | undefined;
    storage: WatermarkStorage | undefined;
  },
  inbound: { ledger: Ledger; restore(saved: SavedWatermarks): void },
): Promise<WatermarkStore | undefined> {
  const { stateDir, storage: given, ...rest } = options;
  const storage = given ?? (stateDir ? fileWatermarkStorage(stateDir, options.accountId) : undefined);
  if (!storage) return undefined;
  const store = new WatermarkStore({ ...rest, storage });
  const saved = await store.load();
  if (saved) inbound.restore(saved);
  store.attach(inbound.ledger);
  return store;
}
