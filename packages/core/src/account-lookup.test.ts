import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { patchAccountToken, patchJson5File } from "./json5-patch.js";

// Audit findings (issue 18): ids that name Object.prototype members, and the modes of files holding tokens.
let dir: string;
let file: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "mo-core-lookup-"));
  file = path.join(dir, "openclaw.json");
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const config = `// hand-written
{
  channels: {
    "multi-openim": {
      accounts: {
        primary: { token: "old-token" }, // the bot
      },
    },
  },
}
`;

test.each(["__proto__", "constructor", "toString", "hasOwnProperty"])(
  "patchAccountToken(%j) is refused, pollutes nothing and leaves the file and no .bak",
  async (id) => {
    await fs.writeFile(file, config, { mode: 0o600 });
    await expect(patchAccountToken(file, id, "LEAKED-TOKEN")).rejects.toMatchObject({
      code: expect.stringMatching(/^(ACCOUNT_ID_INVALID|CONFIG_PATCH)$/),
    });
    expect(({} as Record<string, unknown>).token).toBeUndefined();
    expect(await fs.readFile(file, "utf8")).toBe(config);
    expect(await fs.readdir(dir)).toEqual(["openclaw.json"]);
  },
);

test("patchJson5File refuses a __proto__ key path", async () => {
  await fs.writeFile(file, config);
  await expect(patchJson5File(file, ["__proto__", "token"], "x")).rejects.toMatchObject({
    code: "CONFIG_PATCH",
  });
  expect(({} as Record<string, unknown>).token).toBeUndefined();
  expect(await fs.readFile(file, "utf8")).toBe(config);
});

test("the .bak holding old tokens is private, also when an older one was world-readable", async () => {
  const odd = "{ /* keep */ channels: 'none', token: 'old-secret' }";
  await fs.writeFile(file, odd, { mode: 0o600 });
  await fs.chmod(file, 0o666);
  const first = await patchJson5File(file, ["channels", "multi-openim", "enabled"], true);
  expect((await fs.stat(first.backupPath!)).mode & 0o777).toBe(0o600);
  expect(await fs.readFile(first.backupPath!, "utf8")).toBe(odd);

  await fs.chmod(first.backupPath!, 0o644);
  await fs.writeFile(file, "{ channels: 1 }");
  await patchJson5File(file, ["channels", "x"], 2);
  expect((await fs.stat(first.backupPath!)).mode & 0o777).toBe(0o600);
});

test("a token write into a group- or world-readable config warns once, naming the file and the fix", async () => {
  await fs.writeFile(file, config);
  await fs.chmod(file, 0o644);
  const first = await patchAccountToken(file, "primary", "NEW-TOKEN-1");
  expect(first.warnings).toEqual([
    expect.stringMatching(/openclaw\.json holds tokens .*mode 0644.*chmod 600 /),
  ]);
  expect(first.warnings[0]).toContain(file);
  expect(first.warnings.join("\n")).not.toContain("NEW-TOKEN-1");
  const second = await patchAccountToken(file, "primary", "NEW-TOKEN-2");
  expect(second.warnings).toEqual([]);
  expect(await fs.readFile(file, "utf8")).toContain("NEW-TOKEN-2");
});
