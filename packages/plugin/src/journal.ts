import { readFile } from "node:fs/promises";
import { appendToFile, replaceFile } from "./journal-file.js";
import type { InboundMessage, Logger } from "./types.js";

type State = "received" | "dispatched" | "done" | "dead";
interface Entry {
  id: string;
  state: State;
  at: number;
  /** Kept until the turn is handed to OpenClaw (a crash before that replays it), and in a dead letter. */
  message?: InboundMessage;
  /** Why the last dispatch failed (requeued or dead letters). */
  error?: string;
}

/** What status shows about final failures. */
export interface DeadLetterSummary {
  count: number;
  last?: { id: string; at: number; error: string };
}

export interface JournalOptions {
  file: string;
  /** Entries kept: the oldest finished ones are dropped beyond it, in-flight ones never. Default 500. */
  maxEntries?: number;
  /** How long a `done` mark may wait to share a later write instead of its own. Default 1000 ms. */
  doneDelayMs?: number;
  log: Logger;
}

/** The snapshot line's `version`: 2 is a snapshot followed by appended entry lines (1: the snapshot alone). */
const VERSION = 2;

/**
 * The per-account inbound crash journal, one small file of JSON lines under OpenClaw's state dir: a
 * snapshot line (`{"version":2,"entries":[…]}`) then one line per change, appended and synced
 * (journal-file.ts); the newest line of an id wins. A write appends only what changed since the last
 * one (before, each write rewrote the whole journal — up to `maxEntries` messages — through a temp file
 * and a rename, twice per message). It is rewritten atomically as one snapshot line once the appended
 * lines outnumber twice the entries it keeps (and `maxEntries`), and at the first write after a start that
 * found no file or a last line cut short by a crash. An earlier version's journal (one JSON object) reads
 * as a snapshot.
 *
 * A message is recorded when admitted, marked dispatched when OpenClaw
 * adopted the turn (its user message durable in the session: turn-adoption.ts), and done after. After
 * a crash:
 * - received (never adopted): OpenClaw never saw it, or held it only in memory, so the plugin replays it;
 * - dispatched: OpenClaw's own startup recovery re-runs the interrupted turn ("startup-orphaned
 *   main session"), so the plugin must not: it only drops re-deliveries of that id;
 * - done: answered; a re-delivery (catch-up after reconnect) is dropped.
 * - dead: a final dispatch failure, kept with its message until an operator resubmits it (it then
 *   becomes received and is dispatched again); re-deliveries of it are dropped meanwhile.
 * A dispatch refused because the gateway is draining or not ready goes back to received (`requeue`),
 * so the next start replays it.
 * `received` and `dispatched` are on disk before the caller goes on; `done` rides on the next write
 * (or its own after `doneDelayMs`, or the flush at stop): lost in a crash, the entry stays
 * `dispatched`, which recovery treats the same (re-deliveries dropped, nothing replayed).
 */
export class InboundJournal {
  /** Received, or dispatched by this process: never dropped (a burst may exceed `maxEntries`). */
  private open = new Map<string, Entry>();
  /** Done, or dispatched before the last stop (OpenClaw owns those): only kept to drop re-deliveries, oldest first. */
  private finished = new Map<string, Entry>();
  /** The write on disk now (or last). */
  private writing: Promise<void> = Promise.resolve();
  /** The write queued behind it, shared by every change made since `writing` took its snapshot. */
  private queued: Promise<void> | null = null;
  /** A `done` waiting for a write to share. */
  private lazy: {
    timer: NodeJS.Timeout;
    resolve: (write: Promise<void>) => void;
    promise: Promise<void>;
  } | null = null;
  private dirReady = false;
  /** Changed since the last write took its lines (the next append carries them). */
  private dirty = new Map<string, Entry>();
  /** Lines appended since the last snapshot. */
  private appended = 0;
  /**
   * The next write rewrites the file as one snapshot: no file yet (its folder may be missing too), a
   * file that does not end a line (a torn append, or an earlier version's single object), a failed write.
   */
  private compactNext = true;

  private constructor(private readonly options: JournalOptions) {}

  static async open(options: JournalOptions): Promise<InboundJournal> {
    const journal = new InboundJournal(options);
    let text = "";
    try {
      text = await readFile(options.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        options.log.warn(
          `[multi-openim] inbound journal ${options.file} unreadable, starting empty: ${String(error)}`,
        );
      }
    }
    journal.compactNext = !text.endsWith("\n");
    const lines = text.split("\n");
    let last = lines.length - 1;
    while (last > 0 && !lines[last]?.trim()) last--;
    lines.forEach((line, n) => {
      if (!line.trim()) return;
      let parsed: { entries?: Entry[] } & Partial<Entry>;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        // The last line may be torn by a crash mid-append: its change was never reported as written.
        if (n < last) {
          options.log.warn(
            `[multi-openim] inbound journal ${options.file}: line ${n + 1} unreadable, skipped: ${String(error)}`,
          );
        }
        return;
      }
      for (const entry of Array.isArray(parsed.entries) ? parsed.entries : [parsed as Entry]) {
        // Read back, only received and dead entries are in flight: a dispatched one is OpenClaw's now.
        if (entry?.id) journal.place(entry, entry.state === "received" || entry.state === "dead");
      }
    });
    // Appended lines may hold answered entries the last process had already dropped: the bound again,
    // oldest first. Dispatched ones stay until the next change trims (OpenClaw's recovery owns them, and
    // their ids keep re-deliveries out meanwhile), as they did when each write was a whole snapshot.
    journal.trim("done");
    return journal;
  }

  seen(id: string): boolean {
    return this.open.has(id) || this.finished.has(id);
  }

  stateOf(id: string): State | undefined {
    return (this.open.get(id) ?? this.finished.get(id))?.state;
  }

  /** Messages admitted but never handed to OpenClaw before the last stop or crash. */
  replayable(): InboundMessage[] {
    return [...this.open.values()].flatMap((e) => (e.state === "received" && e.message ? [e.message] : []));
  }

  received(message: InboundMessage): Promise<void> {
    this.set({ id: message.clientMsgID, state: "received", at: Date.now(), message });
    return this.persist();
  }

  dispatched(id: string): Promise<void> {
    this.set({ id, state: "dispatched", at: Date.now() });
    return this.persist();
  }

  /** Back to received: the gateway refused the turn for now (draining, not ready); replayed at the next start. */
  requeue(message: InboundMessage, error: string): Promise<void> {
    this.set({ id: message.clientMsgID, state: "received", at: Date.now(), message, error });
    return this.persist();
  }

  /** A final failure: kept, with its message, for status and for an operator to resubmit. */
  deadLetter(message: InboundMessage, error: string): Promise<void> {
    this.set({ id: message.clientMsgID, state: "dead", at: Date.now(), message, error });
    return this.persist();
  }

  deadLetters(): DeadLetterSummary {
    let count = 0;
    let last: Entry | undefined;
    for (const entry of this.open.values()) {
      if (entry.state !== "dead") continue;
      count += 1;
      if (!last || entry.at >= last.at) last = entry;
    }
    return last ? { count, last: { id: last.id, at: last.at, error: last.error ?? "" } } : { count };
  }

  /** Dead letters (all, or those with these ids) back to received; returns their messages to dispatch. */
  async resubmit(ids?: readonly string[]): Promise<InboundMessage[]> {
    const wanted = ids && ids.length > 0 ? new Set(ids) : undefined;
    const messages: InboundMessage[] = [];
    for (const entry of [...this.open.values()]) {
      if (entry.state !== "dead" || !entry.message || (wanted && !wanted.has(entry.id))) continue;
      this.set({ id: entry.id, state: "received", at: Date.now(), message: entry.message });
      messages.push(entry.message);
    }
    if (messages.length > 0) await this.persist();
    return messages;
  }

  /** Resolves once a write holding it is on disk (not awaited on the inbound path). */
  done(id: string): Promise<void> {
    this.set({ id, state: "done", at: Date.now() });
    if (this.queued) return this.queued;
    if (!this.lazy) {
      let resolve!: (write: Promise<void>) => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      const timer = setTimeout(() => this.persist(), this.options.doneDelayMs ?? 1000);
      timer.unref();
      this.lazy = { timer, resolve, promise };
    }
    return this.lazy.promise;
  }

  /** Resolves when every change so far is on disk. */
  flush(): Promise<void> {
    if (this.lazy) this.persist();
    return this.writing;
  }

  private set(entry: Entry): void {
    this.place(entry, entry.state !== "done");
    this.dirty.set(entry.id, entry);
    this.trim();
  }

  private place(entry: Entry, keep: boolean): void {
    this.open.delete(entry.id);
    this.finished.delete(entry.id);
    (keep ? this.open : this.finished).set(entry.id, entry);
  }

  /**
   * Group commit: writes are serialized and each carries every change made before it starts, so
   * changes made while one write is on disk share the next one. Every caller still waits for a write
   * that includes its change; a burst costs two writes, not one per change. A write appends the changed
   * entries; a failed one leaves the file to be rewritten whole by the next (its lines may be missing
   * or torn), as is the first after open and one that would pass the bound.
   */
  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.writing
      .catch(() => {})
      .then(() => {
        this.queued = null;
        const changes = [...this.dirty.values()];
        this.dirty.clear();
        // Rewritten once the appended lines outnumber twice what a snapshot holds (and maxEntries): the
        // file stays within a few snapshots' size, and a burst (thousands in flight, each in a snapshot
        // with its message) appends rather than rewriting them all.
        const kept = this.open.size + this.finished.size;
        const bound = Math.max(this.options.maxEntries ?? 500, 2 * kept);
        if (this.compactNext || this.appended + changes.length > bound) {
          const entries = [...this.finished.values(), ...this.open.values()];
          const snapshot = `${JSON.stringify({ version: VERSION, entries })}\n`;
          this.compactNext = true;
          return replaceFile(this.options.file, snapshot, { createDir: !this.dirReady }).then(() => {
            this.dirReady = true;
            this.compactNext = false;
            this.appended = 0;
          });
        }
        let lines = "";
        for (const entry of changes) lines += `${JSON.stringify(entry)}\n`;
        this.appended += changes.length;
        return appendToFile(this.options.file, lines).catch((error: unknown) => {
          this.compactNext = true;
          throw error;
        });
      });
    this.queued = next;
    this.writing = next;
    if (this.lazy) {
      // This write carries the waiting `done` marks too.
      clearTimeout(this.lazy.timer);
      this.lazy.resolve(next);
      this.lazy = null;
    }
    return next;
  }

  /**
   * Drops the oldest finished entries beyond `maxEntries` (O(1) each). Entries still in flight are
   * never dropped, whatever their number: dropping one would lose its replay after a crash. With
   * `only: "done"` (as the file is read) dispatched entries are kept too.
   */
  private trim(only?: "done"): void {
    const max = this.options.maxEntries ?? 500;
    for (const [id, entry] of this.finished) {
      if (this.open.size + this.finished.size <= max) return;
      if (!only || entry.state === only) this.finished.delete(id);
    }
  }
}
