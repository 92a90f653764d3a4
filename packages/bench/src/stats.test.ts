import { expect, test } from "vitest";
import { fmt, percentile, spread, waitUntil } from "./stats.ts";
import { renderTable } from "./table.ts";

test("nearest-rank percentiles", () => {
  const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, unsorted on purpose
  expect(percentile(values, 50)).toBe(10);
  expect(percentile(values, 95)).toBe(19);
  expect(percentile(values, 100)).toBe(20);
  expect(percentile([7], 95)).toBe(7);
  expect(Number.isNaN(percentile([], 50))).toBe(true);
  expect(spread([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3 });
});

test("waitUntil reports whether the condition came true in time", async () => {
  let flag = false;
  setTimeout(() => (flag = true), 20);
  expect(await waitUntil(() => flag, 1000)).toBe(true);
  expect(await waitUntil(() => false, 30)).toBe(false);
});

test("tables pad columns to the widest cell", () => {
  const text = renderTable(["a", "long header"], [["wide cell", "x"]]);
  expect(text.split("\n")).toEqual(["a          long header", "---------  -----------", "wide cell  x"]);
  expect(fmt(1234.5)).toBe("1235");
  expect(fmt(12.345)).toBe("12.35");
  expect(fmt(Number.NaN)).toBe("–");
});
