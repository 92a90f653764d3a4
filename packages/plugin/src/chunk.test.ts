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

test("never cuts a word when a boundary exists", () => {
  const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
  const chunks = chunkText(words, 100);
  expect(chunks.every((c) => c.length <= 100)).toBe(true);
  expect(chunks.join(" ")).toBe(words);
});

test("a fenced code block that fits is moved whole to the next chunk instead of being split", () => {
  const code = ["```ts", ...Array.from({ length: 8 }, (_, i) => `const v${i} = ${i};`), "```"].join("\n");
  const text = `${"intro words here ".repeat(5).trim()}\n\n${code}\n\nafter`;
  const chunks = chunkText(text, 200);
  expect(chunks.every((c) => c.length <= 200)).toBe(true);
  expect(chunks.some((c) => c.includes(code))).toBe(true);
});

test("a code block longer than the limit is split at line ends, closed and reopened", () => {
  const lines = Array.from({ length: 40 }, (_, i) => `print(${i})`);
  const text = `Here:\n\`\`\`python\n${lines.join("\n")}\n\`\`\``;
  const chunks = chunkText(text, 120);
  expect(chunks.length).toBeGreaterThan(2);
  for (const chunk of chunks) {
    expect(chunk.length).toBeLessThanOrEqual(120);
    // every piece has balanced fences
    expect((chunk.match(/^```/gm) ?? []).length % 2, chunk).toBe(0);
  }
  for (const chunk of chunks.slice(1)) expect(chunk.startsWith("```python\n")).toBe(true);
  // all code lines survive, none cut in the middle
  const seen = chunks
    .join("\n")
    .split("\n")
    .filter((l) => l.startsWith("print("));
  expect(seen).toEqual(lines);
});
