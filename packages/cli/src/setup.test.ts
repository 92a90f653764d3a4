import { promises as fs } from "node:fs";
import path from "node:path";
import { diffLines } from "diff";
import JSON5 from "json5";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { fakeJwt, removeHome, runBin, SAMPLE_CONFIG, sampleHome } from "./test-helpers.js";

let home: string;
let file: string;
const token = fakeJwt({ UserID: "alice", PlatformID: 5, exp: 4102444800 });
const base = ["setup", "--non-interactive", "--skip-test"];
const fields = ["--account", "primary", "--ws", "ws://127.0.0.1:10001", "--api", "http://127.0.0.1:10002"];

beforeEach(async () => {
  ({ home, file } = await sampleHome());
});
afterEach(() => removeHome(home));

async function expectUntouched(): Promise<void> {
  expect(await fs.readFile(file, "utf8")).toBe(SAMPLE_CONFIG);
  expect((await fs.readdir(home)).sort()).toEqual(["openclaw.json"]);
}

describe("non-interactive setup", () => {
  test("writes exactly the account block and keeps every other byte", async () => {
    const r = await runBin([...base, "--config", file, ...fields, "--token", token], { home });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const after = await fs.readFile(file, "utf8");
    // Only additions: every original line (comments, other channel, other account) is still there, in order.
    const removed = diffLines(SAMPLE_CONFIG, after).filter((part) => part.removed);
    expect(removed).toEqual([]);
    const expected = JSON5.parse(SAMPLE_CONFIG);
    expected.channels["multi-openim"].accounts.primary = {
      enabled: true,
      token,
      wsAddr: "ws://127.0.0.1:10001",
      apiAddr: "http://127.0.0.1:10002",
    };
    expect(JSON5.parse(after)).toEqual(expected);
    // A running gateway picks the account up by itself (verified in the plugin's setup e2e test).
    expect(r.stdout).toContain("picks the change up by itself");
    expect(r.stdout).not.toContain("gateway restart");
    expect(r.stdout).toContain("openclaw channels status");
    expect(r.stdout).toContain("user alice");
    expect(r.stdout).toContain(`${token.slice(0, 4)}…(redacted)`);
    expect(r.stdout).not.toContain(token);
    expect(r.stdout).not.toContain(token.slice(20, 60));
  });

  test("--dry-run prints the diff with the token masked and writes nothing", async () => {
    const r = await runBin([...base, "--dry-run", "--config", file, ...fields, "--token", token], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\+\s+"primary": \{/m);
    expect(r.stdout).toContain(`"token": "${token.slice(0, 4)}…(redacted)"`);
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout).toContain("dry run");
    await expectUntouched();
  });

  test("optional fields, tokenRefresh and friend flags are written", async () => {
    const r = await runBin(
      [
        ...base,
        "--config",
        file,
        ...fields,
        "--token",
        token,
        "--user-id",
        "bob",
        "--platform-id",
        "3",
        "--no-require-mention",
        "--whitelist",
        "u1,u2",
        "--no-disable-friend-sdk",
        "--disabled",
        "--refresh-endpoint",
        "https://auth.example.com/refresh",
        "--refresh-token-path",
        "data.token",
        "--refresh-body",
        '{"refreshToken":"{state.refresh_token}"}',
        "--refresh-state-file",
        "/tmp/t.json",
        "--refresh-header",
        "authorization: Bearer s3cr3t-value",
      ],
      { home },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("s3cr3t-value");
    const channel = JSON5.parse(await fs.readFile(file, "utf8")).channels["multi-openim"];
    expect(channel.accounts.primary).toEqual({
      enabled: false,
      token,
      wsAddr: "ws://127.0.0.1:10001",
      apiAddr: "http://127.0.0.1:10002",
      userID: "bob",
      platformID: 3,
      requireMention: false,
      inboundWhitelist: ["u1", "u2"],
      disableFriendSdk: false,
    });
    expect(channel.tokenRefresh).toEqual({
      mode: "http",
      http: {
        endpoint: "https://auth.example.com/refresh",
        responseTokenPath: "data.token",
        body: { refreshToken: "{state.refresh_token}" },
        stateFile: "/tmp/t.json",
        headers: { authorization: "Bearer s3cr3t-value" },
      },
    });
  });

  test("--from-json (file and stdin) supplies the fields; flags win", async () => {
    const json = path.join(home, "account.json");
    await fs.writeFile(
      json,
      JSON.stringify({ accountId: "fromjson", token, wsAddr: "ws://h:1", apiAddr: "http://h:2" }),
    );
    const r1 = await runBin([...base, "--config", file, "--from-json", json, "--ws", "ws://h:9"], { home });
    expect(r1.code).toBe(0);
    const stdin = JSON.stringify({ accountId: "piped", token, wsAddr: "ws://p:1", apiAddr: "http://p:2" });
    const r2 = await runBin([...base, "--config", file, "--from-json", "-"], { home, input: stdin });
    expect(r2.code).toBe(0);
    const accounts = JSON5.parse(await fs.readFile(file, "utf8")).channels["multi-openim"].accounts;
    expect(accounts.fromjson.wsAddr).toBe("ws://h:9");
    expect(accounts.piped).toEqual({ enabled: true, token, wsAddr: "ws://p:1", apiAddr: "http://p:2" });
  });

  test("creates the config file (0600) when there is none, found through $OPENCLAW_STATE_DIR", async () => {
    const state = path.join(home, "state");
    const r = await runBin([...base, ...fields, "--token", token], {
      home,
      env: { OPENCLAW_STATE_DIR: state },
    });
    expect(r.code).toBe(0);
    const created = path.join(state, "openclaw.json");
    expect(
      JSON.parse(await fs.readFile(created, "utf8")).channels["multi-openim"].accounts.primary.userID,
    ).toBeUndefined();
    expect((await fs.stat(created)).mode & 0o777).toBe(0o600);
  });

  test("an existing account is replaced only with --force", async () => {
    const args = [
      ...base,
      "--config",
      file,
      "--account",
      "existing",
      "--ws",
      "ws://n:1",
      "--api",
      "http://n:2",
      "--token",
      token,
    ];
    const refused = await runBin(args, { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--force");
    await expectUntouched();
    const forced = await runBin([...args, "--force"], { home });
    expect(forced.code).toBe(0);
    const accounts = JSON5.parse(await fs.readFile(file, "utf8")).channels["multi-openim"].accounts;
    expect(accounts.existing).toEqual({ enabled: true, token, wsAddr: "ws://n:1", apiAddr: "http://n:2" });
  });
});

describe("bad input: a clear message, exit 2, the file byte-identical", () => {
  const cases: [string, string[], RegExp][] = [
    ["missing flags", ["--account", "primary"], /missing --ws <url>, --api <url>, --token/],
    [
      "invalid id",
      ["--account", "../evil", ...fields.slice(2), "--token", token],
      /--account "\.\.\/evil" contains a path separator/,
    ],
    ["malformed token", [...fields, "--token", "not-a-jwt"], /--token token is not a valid JWT/],
    [
      "bad ws URL",
      ["--account", "a", "--ws", "http://h:1", "--api", "http://h:2", "--token", token],
      /--ws "http:\/\/h:1" must start with ws:\/\/ or wss:\/\//,
    ],
    [
      "bad platform id",
      [...fields, "--token", token, "--platform-id", "x"],
      /--platform-id must be a whole number/,
    ],
    [
      "http refresh without token path",
      [...fields, "--token", token, "--refresh-endpoint", "https://a/r"],
      /responseTokenPath \(--refresh-token-path\)/,
    ],
    ["unknown flag", [...fields, "--token", token, "--wss", "x"], /unknown option '--wss'/],
  ];
  test.each(cases)("%s", async (_name, args, message) => {
    const r = await runBin([...base, "--config", file, ...args], { home });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(token);
    await expectUntouched();
  });

  test("without a terminal and without --non-interactive it still never prompts", async () => {
    const r = await runBin(["setup", "--config", file, "--account", "primary"], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing --ws <url>, --api <url>, --token <jwt> (or --token-file <file|->)");
    expect(r.stderr).toContain("stdin is not a terminal");
    await expectUntouched();
  });

  test("--token-file reads the token from a file or stdin", async () => {
    const tokenFile = path.join(home, "token.txt");
    await fs.writeFile(tokenFile, `${token}\n`);
    const r1 = await runBin([...base, "--config", file, ...fields, "--token-file", tokenFile], { home });
    expect(r1.code).toBe(0);
    const args = [...base, "--config", file, ...fields.slice(2), "--account", "piped", "--token-file", "-"];
    const r2 = await runBin(args, { home, input: token });
    expect(r2.code).toBe(0);
    const accounts = JSON5.parse(await fs.readFile(file, "utf8")).channels["multi-openim"].accounts;
    expect([accounts.primary.token, accounts.piped.token]).toEqual([token, token]);
  });

  test("a bad --token-file is a file problem, named with the absolute path tried", async () => {
    const missing = `missing-${Date.now()}.txt`;
    const r1 = await runBin([...base, "--config", file, ...fields, "--token-file", missing], { home });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`--token-file: cannot read ${path.resolve(missing)} (no such file)`);
    const notJwt = path.join(home, "not-a-token.txt");
    await fs.writeFile(notJwt, "hello\n");
    const r2 = await runBin([...base, "--config", file, ...fields, "--token-file", notJwt], { home });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`--token-file ${notJwt} does not hold an OpenIM token`);
    expect(r2.stderr).not.toContain("--token token");
    await fs.rm(notJwt);
    await expectUntouched();
  });

  test("a config file that is not JSON5 fails with exit 1 and stays as it was", async () => {
    await fs.writeFile(file, "{ broken");
    const r = await runBin([...base, "--config", file, ...fields, "--token", token], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not valid JSON5");
    expect(await fs.readFile(file, "utf8")).toBe("{ broken");
  });
});

test("when comments cannot be kept, setup says so once and keeps the original as .bak", async () => {
  const original = '// mine\n{ channels: { "multi-openim": { accounts: "todo" } } }\n';
  await fs.writeFile(file, original);
  const r = await runBin([...base, "--config", file, ...fields, "--token", token], { home });
  expect(r.code).toBe(0);
  expect(r.stderr.match(/cannot be kept/g)).toHaveLength(1);
  expect(await fs.readFile(`${file}.bak`, "utf8")).toBe(original);
  expect(JSON.parse(await fs.readFile(file, "utf8")).channels["multi-openim"].accounts.primary.token).toBe(
    token,
  );
});
