import { expect, test } from "vitest";
import { accountIdProblem, assertValidAccountId, isValidAccountId } from "./account-id.js";
import { isMultiOpenimError } from "./errors.js";

test.each(["primary", "team-b", "a.b_c", "x".repeat(64)])("accepts %s", (id) => {
  expect(isValidAccountId(id)).toBe(true);
});

test.each([
  ["../etc", "contains a path separator"],
  ["..", '".."'],
  ["a/b", "path separator"],
  ["a\\b", "path separator"],
  ["a\0b", "NUL"],
  ["", "empty"],
  ["x".repeat(65), "longer than 64"],
  ["__proto__", "reserved"],
  ["constructor", "reserved"],
  ["prototype", "reserved"],
  ["a:b", "other than letters"],
  ["a b", "other than letters"],
  ["tëam", "other than letters"],
])("rejects %j", (id, why) => {
  expect(accountIdProblem(id)).toContain(why.replace(/^contains /, ""));
  try {
    assertValidAccountId(id);
    expect.unreachable();
  } catch (error) {
    expect(isMultiOpenimError(error) && error.code).toBe("ACCOUNT_ID_INVALID");
    expect((error as Error).message).toMatch(/accountId .* use a short stable name/);
  }
});
