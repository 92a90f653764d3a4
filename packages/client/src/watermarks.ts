import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "@multi-openim/core";
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

export interface WatermarkStoreOptions {
  stateDir: string;
  accountId: string;
  userID: string;
  apiAddr: string;
  /** How long changes wait to share one write. */
  flushDelayMs: number;
  warn: (message: string) => void;
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
  readonly file: string;
  private since = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private ledger: Ledger | undefined;

  constructor(private readonly options: WatermarkStoreOptions) {
    this.file = watermarkFile(options.stateDir, options.accountId);
  }

  /** The saved positions, or undefined on an account's very first start (or for another identity). */
  load(): SavedWatermarks | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        this.options.warn(`watermarks ${this.file} unreadable (${String(error)}): taking a new baseline`);
      return undefined;
    }
    try {
      const saved = JSON.parse(text) as Partial<FileShape>;
      if (saved.version !== 1 || typeof saved.seqs !== "object" || saved.seqs === null)
        throw new Error("bad shape");
      if (saved.userID !== this.options.userID || saved.apiAddr !== this.options.apiAddr) {
        this.options.warn(
          `watermarks ${this.file} belong to another user or server: taking a new baseline for this one`,
        );
        return undefined;
      }
      this.since = typeof saved.since === "number" ? saved.since : this.since;
      const seqs: Record<string, number> = {};
      for (const [id, seq] of Object.entries(saved.seqs)) if (Number.isFinite(seq) && seq > 0) seqs[id] = seq;
      const lastServerTime = typeof saved.lastServerTime === "number" ? saved.lastServerTime : undefined;
      return { seqs, lastServerTime, since: this.since };
    } catch (error) {
      this.options.warn(`watermarks ${this.file} not valid (${String(error)}): taking a new baseline`);
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
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch((error) => this.options.warn(String((error as Error)?.message ?? error)));
    }, this.options.flushDelayMs);
    this.timer.unref?.();
  }

  /** Writes the current positions now (after any write in progress). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ledger = this.ledger;
    if (!ledger) return this.writing;
    const data: FileShape = {
      version: 1,
      userID: this.options.userID,
      apiAddr: this.options.apiAddr,
      since: this.since,
      lastServerTime: ledger.lastServerTime,
      seqs: ledger.positions(),
    };
    const text = JSON.stringify(data);
    this.writing = this.writing
      .catch(() => undefined)
      .then(() => writeFileAtomic(this.file, text, { mode: 0o600 }));
    return this.writing;
  }
}

/**
 * The account's store when the client has a state dir: saved positions are restored into the inbound
 * pipeline (no baseline then) and every later raise is saved, batched. Undefined without a state dir.
 */
export function openWatermarks(
  options: Omit<WatermarkStoreOptions, "stateDir"> & { stateDir: string | undefined },
  inbound: { ledger: Ledger; restore(saved: SavedWatermarks): void },
): WatermarkStore | undefined {
  if (!options.stateDir) return undefined;
  const store = new WatermarkStore({ ...options, stateDir: options.stateDir });
  const saved = store.load();
  if (saved) inbound.restore(saved);
  store.attach(inbound.ledger);
  return store;
}
