import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import JSON5 from "json5";
import { afterEach, beforeEach, expect, test } from "vitest";
import { editJson5Text, patchAccountToken, patchJson5File } from "./json5-patch.js";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "mo-core-patch-"));
  file = path.join(dir, "openclaw.json");
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const original = `// OpenClaw config, hand-written
{
  gateway: { mode: "local", port: 18789 }, // trailing comment
  channels: {
    telegram: { enabled: true, botToken: "tg-secret", },
    /* the bots */
    "multi-openim": {
      accounts: {
        primary: {
          token: "old-token", // rotated by the plugin
          wsAddr: "ws://127.0.0.1:10001",
          apiAddr: "http://127.0.0.1:10002",
        },
      },
    },
  },
}
`;

test("replacing a token keeps every comment, trailing comma and other value", async () => {
  await fs.writeFile(file, original, { mode: 0o600 });
  const result = await patchAccountToken(file, "primary", "new-token");
  expect(result.warnings).toEqual([]);
  const text = await fs.readFile(file, "utf8");
  expect(text).toBe(original.replace('"old-token"', '"new-token"'));
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
});

test("inserting a new account keeps comments and the other data", async () => {
  await fs.writeFile(file, original);
  const block = { token: "t2", wsAddr: "ws://b:1", apiAddr: "http://b:2" };
  expect(
    (await patchJson5File(file, ["channels", "multi-openim", "accounts", "team-b"], block)).warnings,
  ).toEqual([]);
  const text = await fs.readFile(file, "utf8");
  expect(text).toContain("// rotated by the plugin");
  expect(text).toContain("/* the bots */");
  const before = JSON5.parse(original);
  before.channels["multi-openim"].accounts["team-b"] = block;
  expect(JSON5.parse(text)).toEqual(before);
});

test("creates missing parents and a missing file", async () => {
  await fs.writeFile(file, "{ gateway: { mode: 'local' } }");
  await patchJson5File(file, ["channels", "multi-openim", "accounts", "a", "token"], "x");
  expect(JSON5.parse(await fs.readFile(file, "utf8"))).toEqual({
    gateway: { mode: "local" },
    channels: { "multi-openim": { accounts: { a: { token: "x" } } } },
  });
  const fresh = path.join(dir, "new", "openclaw.json");
  await patchJson5File(fresh, ["a", "b"], 1);
  expect(JSON.parse(await fs.readFile(fresh, "utf8"))).toEqual({ a: { b: 1 } });
});

test("where comments cannot be kept it warns and leaves one backup of the original", async () => {
  // "channels" is a string here, so the path cannot be edited in place.
  const odd = "{ /* keep me */ channels: 'none', other: [1, 2,], }";
  await fs.writeFile(file, odd);
  const first = await patchJson5File(file, ["channels", "multi-openim", "enabled"], true);
  expect(first.warnings[0]).toMatch(/comments and formatting could not be kept/);
  expect(await fs.readFile(first.backupPath!, "utf8")).toBe(odd);
  expect(JSON.parse(await fs.readFile(file, "utf8"))).toEqual({
    channels: { "multi-openim": { enabled: true } },
    other: [1, 2],
  });
  await fs.writeFile(file, "{ channels: 1 }");
  await patchJson5File(file, ["channels", "x"], 2);
  expect(await fs.readFile(first.backupPath!, "utf8")).toBe(odd);
});

test("a file that is not JSON5 is refused and left byte-identical", async () => {
  await fs.writeFile(file, "{ broken: ");
  await expect(patchJson5File(file, ["a"], 1)).rejects.toMatchObject({ code: "CONFIG_PATCH" });
  expect(await fs.readFile(file, "utf8")).toBe("{ broken: ");
});

test("persisting a token for an account that is not configured is refused", async () => {
  await fs.writeFile(file, original);
  await expect(patchAccountToken(file, "ghost", "t")).rejects.toMatchObject({
    code: "CONFIG_PATCH",
    message: expect.stringContaining("ghost"),
  });
  await expect(patchAccountToken(file, "../x", "t")).rejects.toMatchObject({ code: "ACCOUNT_ID_INVALID" });
  expect(await fs.readFile(file, "utf8")).toBe(original);
});

test("editJson5Text deletes a member with its line and keeps every other comment", () => {
  const text = `// top
{
  channels: {
    "multi-openim": { // the OpenIM accounts
      token: "legacy", // 0.1.0
      wsAddr: "ws://h:1",
      accounts: { a: { token: "t" } }, // named
    },
  },
  other: { x: 1, y: 2 },
}
`;
  const noToken = editJson5Text(text, ["channels", "multi-openim", "token"], undefined);
  expect(noToken).not.toBeNull();
  expect(noToken).not.toContain("legacy");
  expect(noToken).not.toContain("// 0.1.0");
  for (const comment of ["// top", "// the OpenIM accounts", "// named"]) expect(noToken).toContain(comment);
  expect(JSON5.parse(noToken!).channels["multi-openim"]).toEqual({
    wsAddr: "ws://h:1",
    accounts: { a: { token: "t" } },
  });
  // Members sharing a line: only that member goes.
  const noY = editJson5Text(text, ["other", "y"], undefined);
  expect(JSON5.parse(noY!).other).toEqual({ x: 1 });
  const noX = editJson5Text(text, ["other", "x"], undefined);
  expect(JSON5.parse(noX!).other).toEqual({ y: 2 });
  // A missing member: the text unchanged; a set keeps the comments like patchJson5File.
  expect(editJson5Text(text, ["channels", "nope"], undefined)).toBe(text);
  const set = editJson5Text(text, ["channels", "multi-openim", "accounts", "b"], { token: "u" });
  expect(set).toContain("// named");
  expect(JSON5.parse(set!).channels["multi-openim"].accounts.b).toEqual({ token: "u" });
  expect(editJson5Text("not json5 {", ["a"], 1)).toBeNull();
});
