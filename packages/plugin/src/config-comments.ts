import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { editJson5Text, resolveOpenClawConfigPath } from "@multi-openim/core/base";
import JSON5 from "json5";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
/** A cheap pre-check (a URL's "//" passes too, which only costs a replay that changes nothing). */
const hasComments = (text: string) => /\/\/|\/\*/.test(text);

/** OpenClaw's writer emits strict JSON; a file with comments (someone else's edit) is never replaced. */
function isPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The smallest set of `path = value` edits (`undefined`: delete) that turn `before` into `after`. */
export function editsBetween(before: Json, after: Json, prefix: string[] = []): [string[], unknown][] {
  const edits: [string[], unknown][] = [];
  for (const key of Object.keys(before)) if (!(key in after)) edits.push([[...prefix, key], undefined]);
  for (const [key, value] of Object.entries(after)) {
    if (isDeepStrictEqual(before[key], value)) continue;
    const path = [...prefix, key];
    if (isObject(before[key]) && isObject(value))
      edits.push(...editsBetween(before[key] as Json, value, path));
    else edits.push([path, value]);
  }
  return edits;
}

/**
 * What OpenClaw changed between `originalText` and `writtenText` (its plain-JSON rewrite), replayed onto
 * the original JSON5 text with core's in-place edits; null unless the result parses to exactly what
 * OpenClaw wrote.
 */
export function replayOntoOriginal(originalText: string, writtenText: string): string | null {
  try {
    const before = JSON5.parse(originalText) as unknown;
    const after = JSON5.parse(writtenText) as unknown;
    if (!isObject(before) || !isObject(after)) return null;
    let text: string | null = originalText;
    for (const [path, value] of editsBetween(before, after)) {
      text = editJson5Text(text, path, value);
      if (text === null) return null;
    }
    return isDeepStrictEqual(JSON5.parse(text), after) ? text : null;
  } catch {
    return null;
  }
}

/**
 * OpenClaw's config writer (`channels add|remove`, `onboard`, `doctor --fix`) rewrites openclaw.json as
 * plain JSON: comments and formatting are gone. This replays what it changed onto the text from before
 * and swaps that in atomically (temp file beside it, 0600, rename) only when the file is still strict JSON
 * (a commented file is someone else's edit and stays) and the result parses to exactly what OpenClaw wrote. Synchronous, so it can run in an exit handler. Returns whether the comments were restored.
 */
export function restoreJson5CommentsSync(file: string, originalText: string): boolean {
  if (!hasComments(originalText)) return false;
  let written: string;
  try {
    written = readFileSync(file, "utf8");
  } catch {
    return false;
  }
  if (written === originalText || !isPlainJson(written)) return false;
  const merged = replayOntoOriginal(originalText, written);
  if (merged === null) return false;
  const temp = `${file}.multi-openim-${process.pid}.tmp`;
  try {
    writeFileSync(temp, merged, { mode: 0o600 });
    renameSync(temp, file);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(temp, { force: true });
  }
}

export async function restoreJson5Comments(file: string, originalText: string): Promise<boolean> {
  return restoreJson5CommentsSync(file, originalText);
}

const armed = new Set<string>();

/**
 * For the OpenClaw commands that hand us the config before they write it but call nothing after the
 * write (`channels remove`, `doctor --fix`): remember the text now, and when this process exits (OpenClaw
 * ends its commands with process.exit, so only a synchronous exit handler runs) put its comments back.
 * Nothing happens when the command wrote nothing, or kept the comments itself.
 */
export function restoreCommentsAtExit(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): void {
  const file = resolveOpenClawConfigPath(env);
  if (armed.has(file)) return;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return;
  }
  if (!hasComments(text)) return;
  armed.add(file);
  process.once("exit", () => {
    if (restoreJson5CommentsSync(file, text)) log(`[multi-openim] kept the comments and layout of ${file}`);
  });
}
