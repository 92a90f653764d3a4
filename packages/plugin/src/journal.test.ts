import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  const onDisk = JSON.parse(await readFile(file, "utf8")) as { entries: { id: string }[] };
  expect(onDisk.entries.map((e) => e.id)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
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
  for (let i = 0; i < 10; i++) await journal.done(`d${i}`);
  const reopened = await InboundJournal.open({ file, log });
  expect(reopened.seen("pending")).toBe(true);
  expect(reopened.seen("d0")).toBe(false);
  expect(reopened.seen("d9")).toBe(true);
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
  const final = JSON.parse(await readFile(file, "utf8")) as { entries: { id: string }[] };
  expect(final.entries.map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 20}`));
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
