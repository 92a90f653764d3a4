import { expect, test } from "vitest";
import { ManualClock, realClock, sleepOn } from "./clock.js";

test("a manual clock runs due timers in time order as it advances, and only those", async () => {
  const clock = new ManualClock(1000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
  clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
  const cancelled = clock.setTimeout(() => fired.push("never"), 150);
  clock.clearTimeout(cancelled);
  // A timer set by a timer runs within the same advance when it falls due in it.
  clock.setTimeout(() => clock.setTimeout(() => fired.push(`c@${clock.now()}`), 50), 120);
  await clock.advance(180);
  expect(fired).toEqual(["a@1100", "c@1170"]);
  expect(clock.now()).toBe(1180);
  await clock.advance(100);
  expect(fired).toEqual(["a@1100", "c@1170", "b@1200"]);
  expect(clock.pending).toBe(0);
});

test("sleepOn ends when its time has passed on the clock, or at once when aborted, leaving no timer", async () => {
  const clock = new ManualClock();
  let slept = false;
  void sleepOn(clock, 5000).then(() => (slept = true));
  await clock.advance(4999);
  expect(slept).toBe(false);
  await clock.advance(1);
  expect(slept).toBe(true);

  const abort = new AbortController();
  let aborted = false;
  void sleepOn(clock, 60_000, abort.signal).then(() => (aborted = true));
  abort.abort();
  await clock.advance(0);
  expect(aborted).toBe(true);
  expect(clock.pending).toBe(0);
  // The real clock is the default; an unref'd timer does not hold the process.
  const timer = realClock.setTimeout(() => undefined, 10_000, { unref: true });
  expect((timer as NodeJS.Timeout).hasRef()).toBe(false);
  realClock.clearTimeout(timer);
});
