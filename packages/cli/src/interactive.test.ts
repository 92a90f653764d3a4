import { promises as fs } from "node:fs";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import JSON5 from "json5";
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { fakeJwt, removeHome, SAMPLE_CONFIG, sampleHome } from "./test-helpers.js";
import { hasTmux, startInTmux, type TmuxSession } from "./tmux-driver.js";

if (!hasTmux) {
  console.warn("interactive wizard tests SKIPPED: tmux is not installed (apt-get install -y tmux)");
}

let server: DevServer;
let home: string;
let file: string;
let session: TmuxSession | undefined;

beforeAll(async () => {
  if (hasTmux) server = await startDevServer({ host: "127.0.0.1", wsPort: 0, apiPort: 0 });
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  ({ home, file } = await sampleHome());
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await removeHome(home);
});

test.skipIf(!hasTmux)(
  "the wizard asks, hides the token, tests the connection and writes the account",
  async () => {
    server.registerUser("wizard-user");
    const token = server.mintToken("wizard-user", { expiresInSec: 7200 });
    const s = await startInTmux(["setup", "--config", file], { home, dir: home });
    session = s;
    await s.waitFor("Account id");
    await s.type("team-b");
    await s.key("Enter");
    await s.waitFor("WebSocket address");
    await s.type(server.wsAddr);
    await s.key("Enter");
    await s.waitFor("REST address");
    await s.type(server.apiAddr);
    await s.key("Enter");
    await s.waitFor("OpenIM token");
    await s.type(token);
    await s.key("Enter");
    await s.waitFor("OpenIM userID");
    await s.key("Enter"); // accept the token's UserID claim
    await s.waitFor("OpenIM platformID");
    await s.key("Enter");
    await s.waitFor("connected as wizard-user", 30_000);
    await s.waitFor("Configure token refresh");
    await s.key("Enter"); // no
    await s.waitFor("friend APIs disabled");
    await s.key("Enter"); // yes, the channel default: nothing written for it
    await s.waitFor("Who may talk to the bot");
    await s.key("Enter"); // pairing, the recommended default
    await s.waitFor("answer only when the bot is @-mentioned");
    await s.key("Enter"); // yes
    const screen = await s.waitFor("Write this to");
    expect(screen).toContain('+        "team-b": {');
    expect(screen).toContain(`"token": "${token.slice(0, 4)}…(redacted)"`);
    expect(screen).toContain("user wizard-user, platform 5, expires");
    await s.key("Enter");
    await s.waitFor("picks the change up by itself");
    expect(await s.screen()).not.toContain("gateway restart");
    expect(await s.exitCode()).toBe(0);
    expect(await s.screen()).not.toContain(token);

    const expected = JSON5.parse(SAMPLE_CONFIG);
    expected.channels["multi-openim"].accounts["team-b"] = {
      enabled: true,
      token,
      wsAddr: server.wsAddr,
      apiAddr: server.apiAddr,
      requireMention: true,
      dmPolicy: "pairing",
    };
    expect(JSON5.parse(await fs.readFile(file, "utf8"))).toEqual(expected);
  },
  60_000,
);

test.skipIf(!hasTmux)(
  "declining to replace an existing account is a choice: exit 0, a plain line, the file byte-identical",
  async () => {
    const s = await startInTmux(["setup", "--config", file, "--account", "existing"], { home, dir: home });
    session = s;
    await s.waitFor("already exists. Replace it?");
    await s.key("Enter"); // default: no
    const screen = await s.waitFor('kept the existing account "existing"; nothing was written');
    expect(screen).not.toContain("error:");
    expect(await s.exitCode()).toBe(0);
    expect(await fs.readFile(file, "utf8")).toBe(SAMPLE_CONFIG);
  },
  30_000,
);

test.skipIf(!hasTmux)(
  "Ctrl-C at a prompt ends with exit 0 and a plain line; nothing written",
  async () => {
    const s = await startInTmux(["setup", "--config", file], { home, dir: home });
    session = s;
    await s.waitFor("Account id");
    await s.key("C-c");
    const screen = await s.waitFor("setup cancelled; nothing was written");
    expect(screen).not.toContain("error:");
    expect(await s.exitCode()).toBe(0);
    expect(await fs.readFile(file, "utf8")).toBe(SAMPLE_CONFIG);
  },
  30_000,
);

test.skipIf(!hasTmux)(
  "replacing an account: Enter at the token prompt keeps its token; access answers are written",
  async () => {
    server.registerUser("keeper");
    const token = server.mintToken("keeper", { expiresInSec: 7200 });
    const config = SAMPLE_CONFIG.replace(/token: "[^"]+"/, `token: "${token}"`)
      .replace("ws://127.0.0.1:1", server.wsAddr)
      .replace("http://127.0.0.1:2", server.apiAddr);
    await fs.writeFile(file, config);
    const s = await startInTmux(["setup", "--config", file, "--account", "existing"], { home, dir: home });
    session = s;
    await s.waitFor("already exists. Replace it?");
    await s.key("Left", "Enter"); // yes
    await s.waitFor("WebSocket address");
    await s.key("Enter"); // keeps the current address
    await s.waitFor("REST address");
    await s.key("Enter");
    await s.waitFor("Enter keeps the current one");
    await s.key("Enter"); // keeps the current token
    await s.waitFor("OpenIM userID");
    await s.key("Enter");
    await s.waitFor("OpenIM platformID");
    await s.key("Enter");
    await s.waitFor("connected as keeper", 30_000);
    await s.waitFor("Configure token refresh");
    await s.key("Enter");
    await s.waitFor("friend APIs disabled");
    await s.key("Enter");
    await s.waitFor("Who may talk to the bot");
    await s.key("Down", "Enter"); // allowlist
    await s.waitFor("allowed to DM the bot");
    await s.type("alice, bob");
    await s.key("Enter");
    await s.waitFor("answer only when the bot is @-mentioned");
    await s.key("Right", "Enter"); // no: answer every group message
    await s.waitFor("Write this to");
    await s.key("Enter");
    expect(await s.exitCode()).toBe(0);
    const text = await fs.readFile(file, "utf8");
    expect(text).toContain("// keep this comment");
    expect(JSON5.parse(text).channels["multi-openim"].accounts.existing).toEqual({
      enabled: true,
      token,
      wsAddr: server.wsAddr,
      apiAddr: server.apiAddr,
      requireMention: false,
      dmPolicy: "allowlist",
      allowFrom: ["alice", "bob"],
    });
  },
  60_000,
);

test.skipIf(!hasTmux)(
  "flags fill what they can; the wizard asks the rest, incl. tokenRefresh and friend APIs",
  async () => {
    const token = fakeJwt({ UserID: "flag-user", PlatformID: 5, exp: 4102444800 });
    const args = [
      "setup",
      "--config",
      file,
      "--account",
      "ops",
      "--ws",
      "ws://h:1",
      "--api",
      "http://h:2",
      "--skip-test",
    ];
    const s = await startInTmux(args, { home, dir: home });
    session = s;
    await s.waitFor("OpenIM token");
    await s.type("not-a-jwt");
    await s.key("Enter");
    await s.waitFor("token is not a valid JWT"); // asked again, nothing written
    await s.key("C-u");
    await s.type(token);
    await s.key("Enter");
    await s.waitFor("OpenIM userID");
    await s.type("someone-else");
    await s.key("Enter");
    await s.waitFor("OpenIM platformID");
    await s.key("Enter");
    await s.waitFor("Configure token refresh");
    await s.key("Left", "Enter"); // yes
    await s.waitFor("Refresh mode");
    await s.key("Enter"); // http
    await s.waitFor("Refresh endpoint");
    await s.type("https://auth.example.com/{accountId}/refresh");
    await s.key("Enter");
    await s.waitFor("Request body");
    await s.type('{"refreshToken": "{state.refresh_token}"}');
    await s.key("Enter");
    await s.waitFor("Dot-path to the new token");
    await s.type("data.token");
    await s.key("Enter");
    await s.waitFor("State file");
    await s.type("/var/lib/tokens.json");
    await s.key("Enter");
    await s.waitFor("friend APIs disabled");
    await s.key("Right", "Enter"); // no: keep the SDK's friend APIs for this account
    await s.waitFor("Who may talk to the bot");
    await s.key("Enter");
    await s.waitFor("answer only when the bot is @-mentioned");
    await s.key("Enter");
    await s.waitFor("Write this to");
    await s.key("Enter");
    expect(await s.exitCode()).toBe(0);
    const channel = JSON5.parse(await fs.readFile(file, "utf8")).channels["multi-openim"];
    expect(channel.accounts.ops).toEqual({
      enabled: true,
      token,
      wsAddr: "ws://h:1",
      apiAddr: "http://h:2",
      userID: "someone-else",
      requireMention: true,
      disableFriendSdk: false,
      dmPolicy: "pairing",
    });
    expect(channel.tokenRefresh).toEqual({
      mode: "http",
      http: {
        endpoint: "https://auth.example.com/{accountId}/refresh",
        responseTokenPath: "data.token",
        body: { refreshToken: "{state.refresh_token}" },
        stateFile: "/var/lib/tokens.json",
      },
    });
  },
  60_000,
);
