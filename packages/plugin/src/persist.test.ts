import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSON5 from "json5";
import { afterEach, expect, test } from "vitest";
import { createPersistToken, type MutateConfigFile } from "./persist.js";
import { memoryLogger } from "./test-doubles.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

test("inside the gateway the token goes through OpenClaw's writer with afterWrite none (no reload)", async () => {
  const calls: Parameters<MutateConfigFile>[0][] = [];
  const draft = {
    channels: { "multi-openim": { accounts: { a: { token: "old", userID: "u1" }, b: { token: "keep" } } } },
  };
  const mutateConfigFile: MutateConfigFile = async (params) => {
    calls.push(params);
    params.mutate(draft);
  };
  const persist = createPersistToken({ mutateConfigFile, log: memoryLogger().logger });
  await persist("a", "new-token", "u2");
  await persist("gone", "x");
  expect(calls.map((c) => c.afterWrite.mode)).toEqual(["none", "none"]);
  expect(draft.channels["multi-openim"].accounts).toEqual({
    a: { token: "new-token", userID: "u2" },
    b: { token: "keep" },
  });
});

test("without the writer, core's JSON5 patch edits the config file and keeps comments", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mo-persist-"));
  dirs.push(dir);
  const path = join(dir, "openclaw.json");
  await writeFile(
    path,
    `{\n  // my gateway\n  channels: { "multi-openim": { accounts: { a: { token: "old" } } } },\n}\n`,
  );
  const { logger, lines } = memoryLogger();
  await createPersistToken({ env: { OPENCLAW_CONFIG_PATH: path }, log: logger })("a", "tok-9f3a");
  const text = await readFile(path, "utf8");
  expect(text).toContain("// my gateway");
  expect(JSON5.parse(text).channels["multi-openim"].accounts.a.token).toBe("tok-9f3a");
  expect(lines.join("\n")).not.toContain("tok-9f3a");
  await expect(
    createPersistToken({ env: { OPENCLAW_CONFIG_PATH: path }, log: logger })("zz", "t"),
  ).rejects.toThrow(/no channels.multi-openim.accounts.zz/);
});
