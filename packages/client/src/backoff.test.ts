import { expect, test } from "vitest";
import { backoffDelay, KickWindow } from "./backoff.js";

test("backoff doubles, is capped and jittered into [half, all]", () => {
  expect(backoffDelay(1, 1000, 30_000, () => 1)).toBe(1000);
  expect(backoffDelay(3, 1000, 30_000, () => 1)).toBe(4000);
  expect(backoffDelay(10, 1000, 30_000, () => 1)).toBe(30_000);
  expect(backoffDelay(3, 1000, 30_000, () => 0)).toBe(2000);
});

test("kick window: first kick at once, a kick inside the window waits it out, windows double to the cap", () => {
  const kicks = new KickWindow(10_000, 40_000);
  expect(kicks.waitFor(0)).toBe(0);
  kicks.refreshed(0);
  expect(kicks.waitFor(3000)).toBe(7000);
  kicks.refreshed(10_000);
  expect(kicks.waitFor(11_000)).toBe(19_000); // window now 20 s from 10 s
  kicks.refreshed(30_000);
  expect(kicks.waitFor(30_000)).toBe(40_000); // 40 s, the cap
  kicks.refreshed(70_000);
  expect(kicks.waitFor(70_000)).toBe(40_000); // stays at the cap
  expect(kicks.waitFor(70_000 + 80_001)).toBe(0); // quiet for 2× cap: forgiven
});
