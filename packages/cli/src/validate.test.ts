import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { fakeJwt, runBin, SAMPLE_CONFIG, tempHome } from "./test-helpers.js";

let home: string;
let file: string;
beforeEach(async () => {
  home = await tempHome();
  file = path.join(home, "openclaw.json");
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

test("validate: a good file passes with exit 0", async () => {
  await fs.writeFile(file, SAMPLE_CONFIG);
  const r = await runBin(["validate", "--config", file], { home });
  expect(r.stdout).toContain("✓ valid: 1 account(s)");
  expect(r.code).toBe(0);
});

test("validate: every problem is printed with its full field path, exit 1", async () => {
  const token = fakeJwt({ UserID: "u", exp: 4102444800 });
  await fs.writeFile(
    file,
    JSON.stringify({
      channels: {
        "multi-openim": {
          token: "legacy",
          accounts: {
            primary: { token, wsAddr: "ws://h:1", apiAddr: "http://h:2", platformID: "five" },
            second: { token, wsAddr: "ws://h:1", apiAddr: "http://h:2", requireMentoin: false },
            third: { token, apiAddr: "http://h:2" },
          },
        },
      },
    }),
  );
  const r = await runBin(["validate", "--config", file], { home });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^error\s+channels\.multi-openim\.accounts\.primary\.platformID: /m);
  expect(r.stdout).toMatch(
    /^error\s+channels\.multi-openim\.accounts\.second: unknown key\(s\) requireMentoin/m,
  );
  expect(r.stdout).toMatch(/^warning channels\.multi-openim\.token: ignored/m);
  expect(r.stdout).toMatch(/^warning channels\.multi-openim\.accounts\.third: skipped: missing wsAddr/m);
  expect(r.stdout).not.toContain(token);

  const json = await runBin(["validate", "--config", file, "--json"], { home });
  expect(json.code).toBe(1);
  const parsed = JSON.parse(json.stdout);
  expect(parsed.valid).toBe(false);
  expect(parsed.errors.map((e: { path: string }) => e.path)).toEqual([
    "channels.multi-openim.accounts.primary.platformID",
    "channels.multi-openim.accounts.second",
  ]);
});

test("validate: a missing file says how to create one, exit 1", async () => {
  const r = await runBin(["validate", "--config", file], { home });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`no config at ${file}`);
  expect(r.stderr).toContain("multi-openim setup");
});

test("status without --probe: each account's user and token expiry, without the token", async () => {
  const soon = Math.floor(Date.now() / 1000) + 2 * 3600;
  const ok = fakeJwt({ UserID: "alice", PlatformID: 3, exp: soon });
  const old = fakeJwt({ UserID: "bob", exp: 1000 });
  await fs.writeFile(
    file,
    JSON.stringify({
      channels: {
        "multi-openim": {
          accounts: {
            a: { token: ok, wsAddr: "ws://h:1", apiAddr: "http://h:2" },
            b: { token: old, wsAddr: "ws://h:1", apiAddr: "http://h:2" },
          },
        },
      },
    }),
  );
  const r = await runBin(["status", "--config", file], { home });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("a: user alice (platform 3) on ws://h:1");
  expect(r.stdout).toMatch(/token: expires .* \(in 1h 59m|token: expires .* \(in 2h 0m/);
  expect(r.stdout).toContain("b: user bob (platform 5)");
  expect(r.stdout).toContain("token: EXPIRED at 1970-01-01 00:16 UTC");
  expect(r.stdout + r.stderr).not.toContain(ok);
});
