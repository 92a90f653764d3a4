import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { isDeepStrictEqual } from "node:util";
import { patchJson5File } from "@multi-openim/core";
import JSON5 from "json5";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The smallest set of `path = value` edits that turn `before` into `after`; null if a top-level key went away. */
export function editsBetween(before: Json, after: Json, prefix: string[] = []): [string[], unknown][] | null {
  const edits: [string[], unknown][] = [];
  const removed = Object.keys(before).some((k) => !(k in after));
  if (removed) return prefix.length === 0 ? null : [[prefix, after]];
  for (const [key, value] of Object.entries(after)) {
    if (isDeepStrictEqual(before[key], value)) continue;
    const path = [...prefix, key];
    if (isObject(before[key]) && isObject(value)) {
      const inner = editsBetween(before[key] as Json, value, path);
      if (inner === null) return null;
      edits.push(...inner);
    } else edits.push([path, value]);
  }
  return edits;
}

/**
 * OpenClaw's config writer (`channels add`, `onboard`) rewrites openclaw.json as plain JSON: comments
 * and formatting are gone. This replays what it changed onto the text from before, with core's JSON5
 * patch, in a temp file beside it, and swaps that in only when it parses to exactly what OpenClaw wrote.
 * Returns whether the comments were restored.
 */
export async function restoreJson5Comments(file: string, originalText: string): Promise<boolean> {
  let before: unknown;
  let written: string;
  try {
    before = JSON5.parse(originalText);
    written = await readFile(file, "utf8");
  } catch {
    return false;
  }
  if (written === originalText || !/\/\/|\/\*/.test(originalText)) return false;
  const after = JSON5.parse(written) as unknown;
  if (!isObject(before) || !isObject(after)) return false;
  const edits = editsBetween(before, after);
  if (!edits) return false;
  const temp = `${file}.multi-openim-${process.pid}.tmp`;
  try {
    await writeFile(temp, originalText, { mode: 0o600 });
    for (const [path, value] of edits) {
      const result = await patchJson5File(temp, path, value);
      if (result.warnings.length > 0) return false;
    }
    const merged = await readFile(temp, "utf8");
    if (!isDeepStrictEqual(JSON5.parse(merged), after)) return false;
    await rename(temp, file);
    return true;
  } catch {
    return false;
  } finally {
    await rm(temp, { force: true });
    await rm(`${temp}.bak`, { force: true });
  }
}
