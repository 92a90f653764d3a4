import { MultiOpenimError } from "./errors.js";

const MAX_ACCOUNT_ID_LENGTH = 64;
const ACCOUNT_ID = /^[A-Za-z0-9._-]+$/;
// Names every plain object already answers to: as an id they would read or write Object.prototype.
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

/** Why an account id is unusable, or null when it is fine. Ids end up in file names and object keys. */
export function accountIdProblem(id: unknown): string | null {
  if (typeof id !== "string" || id.trim() === "") return "is empty";
  if (id.length > MAX_ACCOUNT_ID_LENGTH) return `is longer than ${MAX_ACCOUNT_ID_LENGTH} characters`;
  if (id.includes("\0")) return "contains a NUL character";
  if (id.includes("/") || id.includes("\\")) return "contains a path separator";
  if (id.includes("..")) return 'contains ".."';
  if (id !== id.trim()) return "has leading or trailing spaces";
  if (!ACCOUNT_ID.test(id)) return 'contains a character other than letters, digits, ".", "_" and "-"';
  if (RESERVED.has(id)) return "is a reserved name";
  return null;
}

export function isValidAccountId(id: unknown): id is string {
  return accountIdProblem(id) === null;
}

export function assertValidAccountId(id: unknown, field = "accountId"): asserts id is string {
  const problem = accountIdProblem(id);
  if (problem) {
    const shown = typeof id === "string" ? JSON.stringify(id.slice(0, 80)) : String(id);
    throw new MultiOpenimError(
      "ACCOUNT_ID_INVALID",
      `${field} ${shown} ${problem}: use a short stable name like "primary" or "team-b" (letters, digits, "-", "_", ".").`,
    );
  }
}

/** `record[id]` when it is the record's own entry; never an inherited one such as `constructor`. */
export function ownEntry<T>(record: Record<string, T> | undefined | null, id: string): T | undefined {
  if (record === null || typeof record !== "object") return undefined;
  return Object.hasOwn(record, id) ? record[id] : undefined;
}
