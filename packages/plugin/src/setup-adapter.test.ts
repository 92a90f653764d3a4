import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { editsBetween } from "./config-comments.js";
import { manifestSetupFields } from "./setup-fields.js";

test("package.json declares exactly the setup flags the contract parses (OpenClaw registers them from it)", async () => {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
  expect(pkg.openclaw.channel.setup.fields).toEqual(manifestSetupFields());
});

test("editsBetween: the smallest path edits, null when a top-level key went away", () => {
  const before = { a: 1, channels: { x: { keep: true }, m: { accounts: { p: { t: 1 } } } } };
  const after = {
    a: 1,
    channels: { x: { keep: true }, m: { accounts: { p: { t: 1 }, q: { t: 2 } } } },
    meta: { v: 1 },
  };
  expect(editsBetween(before, after)).toEqual([
    [["channels", "m", "accounts", "q"], { t: 2 }],
    [["meta"], { v: 1 }],
  ]);
  expect(editsBetween({ a: 1, b: 2 }, { a: 1 })).toBeNull();
  expect(editsBetween({ c: { a: 1, b: 2 } }, { c: { a: 1 } })).toEqual([[["c"], { a: 1 }]]);
});
