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

test("editsBetween: the smallest path edits, a removed key as a delete (undefined)", () => {
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
  expect(editsBetween({ a: 1, b: 2 }, { a: 1 })).toEqual([[["b"], undefined]]);
  expect(editsBetween({ c: { a: 1, b: 2 } }, { c: { a: 1 } })).toEqual([[["c", "b"], undefined]]);
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
  // A file with comments is not OpenClaw's plain-JSON write but someone's edit: never replaced.
  const edited = `// someone else's edit\n${JSON.stringify(after)}\n`;
  await writeFile(file, edited);
  expect(await restoreJson5Comments(file, original)).toBe(false);
  expect(await readFile(file, "utf8")).toBe(edited);
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

test("channels remove --delete and doctor --fix (no hook after OpenClaw's write): the comments come back when the process exits", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mo-comments-exit-"));
  const file = join(dir, "openclaw.json");
  const original = `// hand-edited: kept
{
  channels: {
    "multi-openim": { // the OpenIM accounts
      token: "legacy", // 0.1.0 form
      accounts: {
        a: { token: "t" }, // account a
        b: { token: "u" }, // account b
      },
    },
  },
}
`;
  await writeFile(file, original, { mode: 0o600 });
  // A real child process does what OpenClaw does: our adapter runs (arming the restore), OpenClaw
  // rewrites the file as plain JSON, then process.exit().
  const moduleUrl = new URL("./config-comments.ts", import.meta.url).href;
  const script = `
    const { restoreCommentsAtExit } = await import(${JSON.stringify(moduleUrl)});
    const { writeFileSync } = await import("node:fs");
    restoreCommentsAtExit({ OPENCLAW_CONFIG_PATH: ${JSON.stringify(file)} }, (l) => console.log(l));
    writeFileSync(${JSON.stringify(file)}, JSON.stringify({ channels: { "multi-openim": { accounts: { primary: { token: "legacy" }, a: { token: "t" } } } }, meta: { v: 1 } }, null, 2));
    process.exit(0);
  `;
  const { execFileSync } = await import("node:child_process");
  const out = execFileSync(
    process.execPath,
    ["--experimental-strip-types", "--input-type=module", "-e", script],
    {
      encoding: "utf8",
      cwd: dir,
    },
  );
  expect(out).toContain("kept the comments and layout");
  const text = await readFile(file, "utf8");
  for (const kept of ["// hand-edited: kept", "// the OpenIM accounts", "// account a"])
    expect(text).toContain(kept);
  expect(text).not.toContain("// account b");
  expect(text).not.toContain("// 0.1.0 form");
  expect(JSON5.parse(text)).toEqual({
    channels: { "multi-openim": { accounts: { a: { token: "t" }, primary: { token: "legacy" } } } },
    meta: { v: 1 },
  });
  await rm(dir, { recursive: true, force: true });
});
