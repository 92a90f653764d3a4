import { expect, test } from "vitest";
import { type ReadMark, ReadMarks } from "./read-marks.js";

/** A markRead whose calls stay pending until the test ends them, in order. */
function heldMarks() {
  const calls: { id: string; mark: ReadMark; end: (error?: Error) => void }[] = [];
  const markRead = (id: string, mark: ReadMark) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ id, mark, end: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, markRead };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

test("one mark per conversation at a time; requests made meanwhile share one later mark", async () => {
  const { calls, markRead } = heldMarks();
  const marks = new ReadMarks(markRead);
  const first = marks.mark("si_a_bot");
  // Requests made before a mark started simply share it.
  expect(marks.mark("si_a_bot")).toBe(first);
  await tick();
  const burst = Array.from({ length: 50 }, () => marks.mark("si_a_bot"));
  const other = marks.mark("sg_g1");
  await tick();
  expect(calls.map((c) => c.id)).toEqual(["si_a_bot", "sg_g1"]);
  // The burst's mark starts only after the one in flight ended, so it covers every message before it.
  calls[0]!.end();
  await first;
  await tick();
  expect(calls.map((c) => c.id)).toEqual(["si_a_bot", "sg_g1", "si_a_bot"]);
  calls[2]!.end();
  calls[1]!.end();
  await Promise.all([...burst, other]);
  expect(calls).toHaveLength(3);
  expect(marks.busy).toBe(0);
  // A later request is a fresh mark.
  const later = marks.mark("si_a_bot");
  await tick();
  expect(calls).toHaveLength(4);
  calls[3]!.end();
  await later;
});

test("a failed mark rejects the requests sharing it, only those, and the next request marks again", async () => {
  const { calls, markRead } = heldMarks();
  const marks = new ReadMarks(markRead);
  const a = marks.mark("sg_g1");
  await tick();
  const b = marks.mark("sg_g1");
  const c = marks.mark("sg_g1");
  await tick();
  calls[0]!.end(new Error("timed out"));
  await expect(a).rejects.toThrow("timed out");
  await tick();
  // The failure of the first mark does not fail the one queued behind it.
  expect(calls.map((x) => x.id)).toEqual(["sg_g1", "sg_g1"]);
  calls[1]!.end();
  await Promise.all([b, c]);
  expect(marks.busy).toBe(0);
  const d = marks.mark("sg_g1");
  await tick();
  calls[2]!.end(new Error("refused"));
  await expect(d).rejects.toThrow("refused");
  await tick();
  expect(marks.busy).toBe(0);
});

test("a mark carries the seqs asked for since the last one started, and the newest as upTo", async () => {
  const { calls, markRead } = heldMarks();
  const marks = new ReadMarks(markRead);
  const first = marks.mark("si_a_bot", 3);
  await tick();
  expect(calls[0]!.mark).toEqual({ upTo: 3, seqs: [3] });
  // Asked while the first is in flight, out of order and twice: one mark, sorted, once each.
  const later = [marks.mark("si_a_bot", 6), marks.mark("si_a_bot", 4), marks.mark("si_a_bot", 6)];
  // No seq (a caller marking "as far as handed on"): shares the mark, adds nothing.
  later.push(marks.mark("si_a_bot"));
  calls[0]!.end();
  await first;
  await tick();
  expect(calls[1]!.mark).toEqual({ upTo: 6, seqs: [4, 6] });
  calls[1]!.end();
  await Promise.all(later);
  // Nothing carried over: a mark without a seq asks for "as far as handed on" (upTo 0).
  const bare = marks.mark("si_a_bot");
  await tick();
  expect(calls[2]!.mark).toEqual({ upTo: 0, seqs: [] });
  calls[2]!.end();
  await bare;
  // Bounded: a huge burst (asked before its mark started: one mark) sends its newest 1,000 seqs; upTo
  // covers the rest.
  const burst = Array.from({ length: 1500 }, (_, i) => marks.mark("sg_g1", i + 1));
  await tick();
  expect(calls).toHaveLength(4);
  expect(calls[3]!.mark.upTo).toBe(1500);
  expect(calls[3]!.mark.seqs).toHaveLength(1000);
  expect(calls[3]!.mark.seqs[0]).toBe(501);
  calls[3]!.end();
  await Promise.all(burst);
  expect(marks.busy).toBe(0);
});
