import { MultiOpenimError } from "./errors.js";

const MAX_ACCOUNT_ID_LENGTH = 64;

/** Why an account id is unusable, or null when it is fine. Ids end up in file names, so nothing may escape a directory. */
export function accountIdProblem(id: unknown): string | null {
  if (typeof id !== "string" || id.trim() === "") return "is empty";
  if (id.length > MAX_ACCOUNT_ID_LENGTH) return `is longer than ${MAX_ACCOUNT_ID_LENGTH} characters`;
  if (id.includes("\0")) return "contains a NUL character";
  if (id.includes("/") || id.includes("\\")) return "contains a path separator";
  if (id.includes("..")) return 'contains ".."';
  if (id !== id.trim()) return "has leading or trailing spaces";
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
