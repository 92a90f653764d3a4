import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadChannel } from "./load-config.js";
import { fakeToken, writeOpenClawConfig } from "./test-config.js";

let dir: string;
const account = (user: string) => ({
  token: fakeToken(user),
  wsAddr: "ws://127.0.0.1:1",
  apiAddr: "http://127.0.0.1:2",
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mcp-tools-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configWith(name: string, channel: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeOpenClawConfig(file, channel);
  return file;
}

describe("loadChannel", () => {
  test("resolves enabled accounts and reports the skipped ones", async () => {
    const file = await configWith("a.json", {
      accounts: { primary: account("bot1"), off: { ...account("bot2"), enabled: false } },
    });
    const loaded = await loadChannel(file);
    expect(loaded.accounts.map((a) => [a.accountId, a.userID])).toEqual([["primary", "bot1"]]);
    expect(loaded.warnings).toEqual(["account off skipped: disabled (enabled: false)"]);
  });

  test("--account restricts; an unknown or unrunnable one is an error naming it", async () => {
    const file = await configWith("b.json", {
      accounts: {
        primary: account("bot1"),
        second: account("bot2"),
        off: { ...account("x"), enabled: false },
      },
    });
    expect((await loadChannel(file, ["second"])).accounts.map((a) => a.accountId)).toEqual(["second"]);
    await expect(loadChannel(file, ["nope"])).rejects.toMatchObject({
      code: "ACCOUNT_UNKNOWN",
      message: expect.stringMatching(/--account "nope" is not in .*configured: primary, second, off/),
    });
    await expect(loadChannel(file, ["off"])).rejects.toThrow(/--account off cannot run: disabled/);
  });

  test("a missing file, a bad block and no runnable account are clear errors without the token", async () => {
    await expect(loadChannel(path.join(dir, "missing.json"))).rejects.toThrow(/no config at .*--config/);
    const bad = await configWith("c.json", { accounts: { primary: { ...account("bot1"), wsAddr: 42 } } });
    const error = await loadChannel(bad).catch((e: Error) => e);
    expect(error).toMatchObject({ code: "CONFIG_INVALID" });
    expect((error as Error).message).toContain("channels.multi-openim.accounts.primary.wsAddr");
    expect((error as Error).message).not.toContain(account("bot1").token.split(".")[1]!);
    const none = await configWith("d.json", { accounts: { off: { ...account("x"), enabled: false } } });
    await expect(loadChannel(none)).rejects.toThrow(/no runnable account/);
  });

  test("reads JSON5 (comments, trailing commas) as OpenClaw does", async () => {
    const file = path.join(dir, "e.json");
    const { token } = account("bot9");
    await writeFile(
      file,
      `// operator notes\n{ channels: { "multi-openim": { accounts: { p: { token: "${token}", wsAddr: "ws://127.0.0.1:1", apiAddr: "http://127.0.0.1:2", }, }, }, }, }`,
    );
    expect((await loadChannel(file)).accounts[0]?.userID).toBe("bot9");
  });
});
