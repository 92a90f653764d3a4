import { expect, test } from "vitest";
import { ReadMarks } from "./read-marks.js";

/** A markRead whose calls stay pending until the test ends them, in order. */
function heldMarks() {
  const calls: { id: string; end: (error?: Error) => void }[] = [];
  const markRead = (id: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ id, end: (error) => (error ? reject(error) : resolve()) });
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
