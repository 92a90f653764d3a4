import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJournalFile } from "@multi-openim/testkit";
import { afterEach, beforeEach, expect, test } from "vitest";
import { InboundJournal } from "./journal.js";
import type { InboundMessage } from "./types.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mo-journal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const log = { info() {}, warn() {}, error() {}, debug() {} };
const message = (id: string) => ({ clientMsgID: id, text: `hi ${id}` }) as unknown as InboundMessage;

test("every change in a burst is on disk when its promise resolves, and survives a reopen", async () => {
  const file = join(dir, "journal.primary.json");
  const journal = await InboundJournal.open({ file, log });
  await Promise.all(Array.from({ length: 100 }, (_, i) => journal.received(message(`m${i}`))));
  const onDisk = await readJournalFile(file);
  expect([...onDisk.keys()]).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
  expect((await stat(file)).mode & 0o777).toBe(0o600);

  await Promise.all([journal.dispatched("m0"), journal.done("m1")]);
  const reopened = await InboundJournal.open({ file, log });
  expect(reopened.stateOf("m0")).toBe("dispatched");
  expect(reopened.stateOf("m1")).toBe("done");
  expect(reopened.replayable().map((m) => m.clientMsgID)).toHaveLength(98);
  expect(reopened.replayable()[0]!.clientMsgID).toBe("m2");
});

test("a change made while a write is on disk lands in the next write", async () => {
  const file = join(dir, "journal.b.json");
  const journal = await InboundJournal.open({ file, log });
  const first = journal.received(message("a"));
  const second = journal.done("a");
  await first;
  await second;
  const reopened = await InboundJournal.open({ file, log });
  expect(reopened.stateOf("a")).toBe("done");
  expect(reopened.replayable()).toEqual([]);
});

test("the journal stays bounded, dropping finished entries first", async () => {
  const file = join(dir, "journal.c.json");
  const journal = await InboundJournal.open({ file, log, maxEntries: 5, doneDelayMs: 1 });
  await journal.received(message("pending"));
  for (let i = 0; i < 30; i++) await journal.done(`d${i}`);
  const reopened = await InboundJournal.open({ file, log });
  expect(reopened.seen("pending")).toBe(true);
  expect(reopened.seen("d0")).toBe(false);
  expect(reopened.seen("d29")).toBe(true);
  // On disk: one snapshot line, then at most twice what it holds (or maxEntries) appended lines.
  const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
  expect(lines.length).toBeLessThanOrEqual(1 + 10);
});

test("a burst larger than maxEntries keeps every message in flight, so all of them replay after a crash", async () => {
  const file = join(dir, "journal.d.json");
  const journal = await InboundJournal.open({ file, log, maxEntries: 10, doneDelayMs: 1 });
  for (let i = 0; i < 5; i++) await journal.done(`old${i}`);
  await Promise.all(Array.from({ length: 30 }, (_, i) => journal.received(message(`m${i}`))));
  await Promise.all([journal.dispatched("m0"), journal.dispatched("m1")]);
  // "Crash": reopen from disk without any done.
  const reopened = await InboundJournal.open({ file, log, maxEntries: 10, doneDelayMs: 1 });
  expect(reopened.replayable().map((m) => m.clientMsgID)).toEqual(
    Array.from({ length: 28 }, (_, i) => `m${i + 2}`),
  );
  expect(reopened.stateOf("m0")).toBe("dispatched");
  // Finished entries went first; in-flight ones were all kept although there are more than 10.
  expect(reopened.seen("old4")).toBe(false);
  // Once they finish, the journal shrinks back to its bound.
  for (let i = 0; i < 30; i++) await reopened.done(`m${i}`);
  const final = await InboundJournal.open({ file, log, maxEntries: 10 });
  expect(Array.from({ length: 30 }, (_, i) => final.seen(`m${i}`))).toEqual(
    Array.from({ length: 30 }, (_, i) => i >= 20),
  );
  // On disk too: rewritten as one snapshot line whenever the appended lines would pass twice its size.
  const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
  expect(lines.length).toBeLessThanOrEqual(1 + 2 * 10);
});

test("done rides on the next write, or its own after doneDelayMs, or the flush at stop", async () => {
  const file = join(dir, "journal.e.json");
  const journal = await InboundJournal.open({ file, log, doneDelayMs: 60_000 });
  await journal.received(message("a"));
  await journal.dispatched("a");
  const doneA = journal.done("a");
  // The next admitted message's write carries it: one write, both changes.
  await journal.received(message("b"));
  await doneA;
  let reopened = await InboundJournal.open({ file, log });
  expect([reopened.stateOf("a"), reopened.stateOf("b")]).toEqual(["done", "received"]);

  void journal.done("b");
  await journal.flush();
  reopened = await InboundJournal.open({ file, log });
  expect(reopened.stateOf("b")).toBe("done");
  expect(reopened.replayable()).toEqual([]);

  const quick = await InboundJournal.open({ file, log, doneDelayMs: 5 });
  await quick.received(message("c"));
  await quick.done("c");
  expect((await InboundJournal.open({ file, log })).stateOf("c")).toBe("done");
});

test("a write that fails rejects with the file named, and the next one still works", async () => {
  const file = join(dir, "sub", "journal.f.json");
  const journal = await InboundJournal.open({ file, log });
  await journal.received(message("a"));
  await rm(join(dir, "sub"), { recursive: true });
  await writeFile(join(dir, "sub"), "a file where the folder was");
  await expect(journal.received(message("b"))).rejects.toThrow(
    /\[journal\] could not write .*journal\.f\.json \(ENOTDIR\)/,
  );
  await rm(join(dir, "sub"));
  await mkdir(join(dir, "sub"));
  await journal.received(message("c"));
  const reopened = await InboundJournal.open({ file, log });
  expect(reopened.replayable().map((m) => m.clientMsgID)).toEqual(["a", "b", "c"]);
  expect((await readdir(join(dir, "sub"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
});

test("a write appends only what changed; the first write after open and the bound rewrite it as one snapshot", async () => {
  const file = join(dir, "journal.g.json");
  const journal = await InboundJournal.open({ file, log, maxEntries: 100, doneDelayMs: 1 });
  await journal.received(message("a"));
  const first = await readFile(file, "utf8");
  expect(first.split("\n").filter(Boolean)).toHaveLength(1);
  expect(JSON.parse(first)).toMatchObject({ version: 2, entries: [{ id: "a", state: "received" }] });

  await journal.done("a");
  await journal.received(message("b"));
  const grown = await readFile(file, "utf8");
  // The snapshot stays as it was; each later write added its changes only.
  expect(grown.startsWith(first)).toBe(true);
  expect(
    grown
      .slice(first.length)
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  ).toEqual([
    expect.objectContaining({ id: "a", state: "done" }),
    expect.objectContaining({
      id: "b",
      state: "received",
      message: expect.objectContaining({ text: "hi b" }),
    }),
  ]);
  expect((await stat(file)).mode & 0o777).toBe(0o600);

  // Past twice what a snapshot holds (100 kept here) the next write is one snapshot again.
  for (let i = 0; i < 250; i++) await journal.done(`d${i}`);
  const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
  expect(lines.length).toBeLessThan(100);
  expect(JSON.parse(lines[0]!).entries.length).toBe(100);
  const reopened = await InboundJournal.open({ file, log, maxEntries: 100 });
  expect(reopened.replayable().map((m) => m.clientMsgID)).toEqual(["b"]);
  expect(reopened.stateOf("d249")).toBe("done");

  // A start on a whole file appends at once; the same file cut mid-line is rewritten first.
  const again = await InboundJournal.open({ file, log, maxEntries: 100 });
  const before = await readFile(file, "utf8");
  await again.received(message("c"));
  expect((await readFile(file, "utf8")).startsWith(before)).toBe(true);
});

test("a torn last line (a crash mid-append) is skipped quietly, a bad line before it with a warning", async () => {
  const file = join(dir, "journal.h.json");
  const journal = await InboundJournal.open({ file, log });
  await journal.received(message("a"));
  await journal.received(message("b"));
  await writeFile(file, `${await readFile(file, "utf8")}{"id":"c","state":"rec`);
  const warnings: string[] = [];
  const watching = { ...log, warn: (line: string) => warnings.push(line) };
  const reopened = await InboundJournal.open({ file, log: watching, doneDelayMs: 1 });
  expect(reopened.replayable().map((m) => m.clientMsgID)).toEqual(["a", "b"]);
  expect(warnings).toEqual([]);
  // The next write rewrites the file: no torn line left for the appends after it.
  await reopened.received(message("d"));
  await reopened.done("a");
  const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
  expect(lines.map((l) => JSON.parse(l))).toHaveLength(2);
  expect((await InboundJournal.open({ file, log })).replayable().map((m) => m.clientMsgID)).toEqual([
    "b",
    "d",
  ]);

  await writeFile(
    file,
    `{"version":2,"entries":[]}\nnot json\n${JSON.stringify({ id: "e", state: "received", at: 1, message: message("e") })}\n`,
  );
  const afterBadLine = await InboundJournal.open({ file, log: watching });
  expect(afterBadLine.replayable().map((m) => m.clientMsgID)).toEqual(["e"]);
  expect(warnings).toEqual([expect.stringMatching(/journal\.h\.json: line 2 unreadable, skipped/)]);
});

test("a journal written by an earlier version (one JSON object) is read as it was", async () => {
  const file = join(dir, "journal.i.json");
  const entries = [
    { id: "x", state: "done", at: 1 },
    { id: "y", state: "received", at: 2, message: message("y") },
    { id: "z", state: "dispatched", at: 3 },
  ];
  await writeFile(file, JSON.stringify({ version: 1, entries }), { mode: 0o600 });
  const journal = await InboundJournal.open({ file, log });
  expect([journal.stateOf("x"), journal.stateOf("y"), journal.stateOf("z")]).toEqual([
    "done",
    "received",
    "dispatched",
  ]);
  expect(journal.replayable().map((m) => m.clientMsgID)).toEqual(["y"]);
});
