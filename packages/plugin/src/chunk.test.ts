import { expect, test } from "vitest";
import { chunkText } from "./chunk.js";

test("short text is one chunk; long text splits at boundaries within the limit and loses nothing", () => {
  expect(chunkText("hello", 10)).toEqual(["hello"]);
  expect(chunkText("", 10)).toEqual([]);
  const text = "alpha beta gamma\n\ndelta epsilon zeta eta theta";
  const chunks = chunkText(text, 20);
  expect(chunks.every((c) => c.length <= 20)).toBe(true);
  expect(chunks[0]).toBe("alpha beta gamma");
  expect(chunks.join(" ").replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
  expect(chunkText("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
  expect(() => chunkText("x", 0)).toThrow(/at least 1/);
});
