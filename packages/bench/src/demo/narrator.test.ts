import { expect, test } from "vitest";
import { createNarrator, SUMMARY_WIDTH } from "./narrator.ts";

test("the summary fits 100 columns, with the detail of a failed step under it", async () => {
  const n = createNarrator();
  const long = "x".repeat(300);
  const write = process.stdout.write;
  process.stdout.write = () => true; // the narration itself, not under test here
  try {
    await n.step(
      "account a's token expires; refreshed through the local endpoint, the chat goes on",
      async () => long,
    );
    await n.step(`a step with a very long title ${"y".repeat(120)}`, async () => "fine");
    await n.step("a failing step", async () => {
      throw new Error(`the reason it failed ${long}`);
    });
  } finally {
    process.stdout.write = write;
  }
  const lines = n.summary().split("\n");
  expect(SUMMARY_WIDTH).toBe(100);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  expect(lines[0]).toMatch(/^result\s+time\s+step$/);
  expect(lines.some((l) => /^ok\s+\d+\.\d s\s+1\. account a's token expires/.test(l))).toBe(true);
  expect(lines.some((l) => l.startsWith("    ✘ the reason it failed x"))).toBe(true);
  expect(lines.some((l) => l.includes(long.slice(0, 20)) && !l.includes("✘"))).toBe(false); // ok details stay out
  expect(lines.at(-1)).toMatch(/^2\/3 steps ok in /);
});
