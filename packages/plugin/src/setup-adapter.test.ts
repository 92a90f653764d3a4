import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSON5 from "json5";
import { expect, test } from "vitest";
import { editsBetween, restoreJson5Comments } from "./config-comments.js";
import { withAccount } from "./setup-adapter.js";
import { manifestSetupFields } from "./setup-fields.js";
import { removeAdapters } from "./setup-remove.js";

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

test("restoreJson5Comments replays OpenClaw's plain-JSON write onto the commented text", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mo-comments-"));
  const file = join(dir, "openclaw.json");
  const original = `// top\n{\n  gateway: { port: 1 }, // kept\n  channels: { "multi-openim": { accounts: { a: { token: "t" } } } },\n}\n`;
  const after = {
    gateway: { port: 1 },
    channels: { "multi-openim": { accounts: { a: { token: "t" }, b: { token: "u" } } } },
    meta: { v: 1 },
  };
  await writeFile(file, JSON.stringify(after, null, 2));
  expect(await restoreJson5Comments(file, original)).toBe(true);
  const text = await readFile(file, "utf8");
  expect(text).toContain("// kept");
  expect(JSON5.parse(text)).toEqual(after);
  await rm(dir, { recursive: true, force: true });
});

test("withAccount and channels remove touch only the one account", () => {
  const cfg = { channels: { "multi-openim": { accounts: { a: { token: "t" }, b: { token: "u" } } } } };
  const answers = {
    accountId: "c",
    fields: { token: "v", wsAddr: "ws://h:1", apiAddr: "http://h:2", dmPolicy: "pairing" as const },
    resolved: { token: "v", wsAddr: "ws://h:1", apiAddr: "http://h:2", userID: "x", platformID: 5 },
  };
  const added = withAccount(cfg, "c", answers) as typeof cfg & {
    channels: { "multi-openim": { accounts: Record<string, unknown> } };
  };
  expect(added.channels["multi-openim"].accounts.c).toEqual({
    enabled: true,
    token: "v",
    wsAddr: "ws://h:1",
    apiAddr: "http://h:2",
    dmPolicy: "pairing",
  });
  const disabled = removeAdapters.setAccountEnabled({ cfg, accountId: "a", enabled: false }) as typeof cfg;
  expect(disabled.channels["multi-openim"].accounts).toEqual({
    a: { token: "t", enabled: false },
    b: { token: "u" },
  });
  const deleted = removeAdapters.deleteAccount({ cfg, accountId: "a" }) as typeof cfg;
  expect(deleted.channels["multi-openim"].accounts).toEqual({ b: { token: "u" } });
  expect(cfg.channels["multi-openim"].accounts.a).toEqual({ token: "t" });
});
