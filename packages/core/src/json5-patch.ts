import { promises as fs } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import JSON5 from "json5";
import { assertValidAccountId, ownEntry } from "./account-id.js";
import { CHANNEL_ID } from "./constants.js";
import { MultiOpenimError } from "./errors.js";
import { createPrivateFile, readableByOthersWarning, readJson5File, writeFileAtomic } from "./files.js";
import { type ObjectSpan, scanJson5Object } from "./json5-scan.js";

export interface PatchResult {
  warnings: string[];
  /** Set when comments could not be kept and the original was saved next to the file. */
  backupPath?: string;
}

type Json = Record<string, unknown>;

function setIn(data: Json, keyPath: string[], value: unknown): Json {
  const root: Json = structuredClone(data);
  let node = root;
  for (const key of keyPath.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Json;
  }
  node[keyPath.at(-1)!] = value;
  return root;
}

function indentAt(text: string, index: number): string {
  const lineStart = text.lastIndexOf("\n", index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function render(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll("\n", `\n${indent}`);
}

/** Edits the text in place: replaces the value at keyPath, or inserts the missing tail of the path. Null when it cannot. */
function editText(text: string, keyPath: string[], value: unknown): string | null {
  let obj: ObjectSpan = scanJson5Object(text);
  for (let i = 0; i < keyPath.length; i++) {
    const key = keyPath[i]!;
    const member = obj.members.get(key);
    const last = i === keyPath.length - 1;
    if (member && last) {
      const replacement = render(value, indentAt(text, member.valueStart));
      return text.slice(0, member.valueStart) + replacement + text.slice(member.valueEnd);
    }
    if (member?.value.kind === "object") {
      obj = member.value.span;
      continue;
    }
    if (member) return null;
    const rest = keyPath.slice(i + 1).reduceRight<unknown>((acc, k) => ({ [k]: acc }), value);
    const inner = `${indentAt(text, obj.start)}  `;
    const entry = `\n${inner}${JSON.stringify(key)}: ${render(rest, inner)}${obj.members.size > 0 ? "," : "\n"}`;
    return text.slice(0, obj.start + 1) + entry + text.slice(obj.start + 1);
  }
  return null;
}

/** The text without the member at keyPath (its line too, when nothing else is on it); null when it cannot. */
function removeText(text: string, keyPath: string[]): string | null {
  let obj: ObjectSpan = scanJson5Object(text);
  for (const key of keyPath.slice(0, -1)) {
    const member = obj.members.get(key);
    if (member?.value.kind !== "object") return null;
    obj = member.value.span;
  }
  const member = obj.members.get(keyPath.at(-1)!);
  if (!member) return text;
  let end = member.valueEnd;
  const afterValue = /^[ \t]*,?/.exec(text.slice(end))![0];
  end += afterValue.length;
  const lineStart = text.lastIndexOf("\n", member.keyStart - 1) + 1;
  const restOfLine = /^[ \t]*(\/\/[^\n]*)?(\n|$)/.exec(text.slice(end));
  if (/^[ \t]*$/.test(text.slice(lineStart, member.keyStart)) && restOfLine)
    return text.slice(0, lineStart) + text.slice(end + restOfLine[0].length);
  return text.slice(0, member.keyStart) + text.slice(end).replace(/^[ \t]*/, "");
}

function deleteIn(data: Json, keyPath: string[]): Json {
  const root: Json = structuredClone(data);
  let node: unknown = root;
  for (const key of keyPath.slice(0, -1)) node = (node as Json | undefined)?.[key];
  if (typeof node === "object" && node !== null) delete (node as Json)[keyPath.at(-1)!];
  return root;
}

/**
 * One edit of a JSON5 text, in memory: sets keyPath to value (or deletes it, for `undefined`) and keeps
 * every comment and all formatting elsewhere. Returns null when the text cannot be edited in place (the
 * result is checked to parse to exactly the expected data).
 */
export function editJson5Text(text: string, keyPath: string[], value: unknown): string | null {
  if (keyPath.length === 0) return null;
  try {
    const data = JSON5.parse(text) as Json;
    const expected = value === undefined ? deleteIn(data, keyPath) : setIn(data, keyPath, value);
    const edited = value === undefined ? removeText(text, keyPath) : editText(text, keyPath, value);
    return edited !== null && isDeepStrictEqual(JSON5.parse(edited), expected) ? edited : null;
  } catch {
    return null;
  }
}

/**
 * Sets one path in a JSON5 file and leaves the rest of its data intact, atomically.
 * Comments and formatting survive a value replace or key insert; where the text cannot be edited in place the
 * file is rewritten as JSON, a warning says so, and the original is kept once as "<file>.bak".
 */
export async function patchJson5File(file: string, keyPath: string[], value: unknown): Promise<PatchResult> {
  if (keyPath.length === 0)
    throw new MultiOpenimError("CONFIG_PATCH", "patchJson5File needs a non-empty key path");
  if (keyPath.some((key) => key === "__proto__" || key === "constructor" || key === "prototype")) {
    throw new MultiOpenimError(
      "CONFIG_PATCH",
      `patchJson5File: key path ${keyPath.join(".")} names a reserved key; use another name`,
    );
  }
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new MultiOpenimError("CONFIG_PATCH", `could not read ${file}: ${(cause as Error).message}`, {
        cause,
      });
    }
    await writeFileAtomic(file, `${JSON.stringify(setIn({}, keyPath, value), null, 2)}\n`);
    return { warnings: [] };
  }
  let data: Json;
  try {
    data = JSON5.parse(text);
  } catch (cause) {
    throw new MultiOpenimError(
      "CONFIG_PATCH",
      `${file} is not valid JSON5 (${(cause as Error).message}); fix it first`,
      {
        cause,
      },
    );
  }
  const expected = setIn(data, keyPath, value);
  let edited: string | null = null;
  try {
    edited = editText(text, keyPath, value);
    if (edited !== null && !isDeepStrictEqual(JSON5.parse(edited), expected)) edited = null;
  } catch {
    edited = null;
  }
  if (edited !== null) {
    await writeFileAtomic(file, edited);
    return { warnings: [] };
  }
  const backupPath = `${file}.bak`;
  const result: PatchResult = {
    warnings: [
      `${file}: comments and formatting could not be kept while setting ${keyPath.join(".")}; the original is in ${backupPath}`,
    ],
    backupPath,
  };
  // The backup holds the old tokens: created exclusively and private; one left by an older version is made private.
  try {
    await createPrivateFile(backupPath, text);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "EEXIST")
      throw MultiOpenimError.from(cause, "CONFIG_PATCH");
    const existing = await fs.lstat(backupPath);
    if (existing.isFile() && (existing.mode & 0o077) !== 0) await fs.chmod(backupPath, 0o600);
  }
  await writeFileAtomic(file, `${JSON.stringify(expected, null, 2)}\n`);
  return result;
}

/** The ready-made persistToken step: writes channels.multi-openim.accounts.<id>.token (and userID) into openclaw.json. */
export async function patchAccountToken(
  configPath: string,
  accountId: string,
  token: string,
  userID?: string,
): Promise<PatchResult> {
  assertValidAccountId(accountId);
  const config = await readJson5File<Json>(configPath);
  const channel = ownEntry(ownEntry(config, "channels") as Json | undefined, CHANNEL_ID) as Json | undefined;
  if (!ownEntry(ownEntry(channel, "accounts") as Json | undefined, accountId)) {
    throw new MultiOpenimError(
      "CONFIG_PATCH",
      `${configPath} has no channels.${CHANNEL_ID}.accounts.${accountId}: add the account before persisting its token`,
    );
  }
  const base = ["channels", CHANNEL_ID, "accounts", accountId];
  const result = await patchJson5File(configPath, [...base, "token"], token);
  if (userID) {
    const second = await patchJson5File(configPath, [...base, "userID"], userID);
    result.warnings.push(...second.warnings);
    result.backupPath ??= second.backupPath;
  }
  const readable = await readableByOthersWarning(configPath);
  if (readable) result.warnings.push(readable);
  return result;
}
