import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createConfigAdapter } from "./accounts.js";
import { ChannelConfigReader } from "./config.js";
import { AccountRegistry } from "./registry.js";
import { createStatusAdapter } from "./status-adapter.js";
import { collectStatusIssues, DAY_MS } from "./status-issues.js";
import type { AccountClient, AccountStatus } from "./types.js";

let dev: DevServer;
let dir: string;
const reader = new ChannelConfigReader(() => undefined);
const config = createConfigAdapter(reader);

beforeAll(async () => {
  dev = await startDevServer();
  dev.registerUser("bot");
  dir = await mkdtemp(join(tmpdir(), "mo-status-"));
});
afterAll(async () => {
  await dev?.close();
  await rm(dir, { recursive: true, force: true });
});

const cfgWith = (accounts: Record<string, unknown>, tokenRefresh: unknown = { mode: "off" }) => ({
  channels: {
    "multi-openim": {
      tokenRefresh: { ...(tokenRefresh as object), manualLoginMarkerPath: join(dir, "marker.json") },
      accounts,
    },
  },
});

function liveClient(status: Partial<AccountStatus>): AccountClient {
  const full = {
    accountId: "a",
    enabled: true,
    configured: true,
    running: true,
    connected: true,
    lastError: null,
    auth: "ok",
    reconnects: 0,
    ...status,
  } as AccountStatus;
  return { status: () => full } as unknown as AccountClient;
}

describe("probeAccount: one REST call, never a WebSocket login", () => {
  test("a valid token probes ok; an invalidated one names the server's token error; no login, no kick", async () => {
    const token = dev.mintToken("bot");
    const cfg = cfgWith({ a: { token, wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } });
    const status = createStatusAdapter({ registry: new AccountRegistry(), reader });
    const before = { ...dev.counters, requests: { ...dev.counters.requests } };
    const ok = await status.probeAccount({ account: config.resolveAccount(cfg, "a"), timeoutMs: 5000 });
    expect(ok).toMatchObject({ ok: true, userID: "bot" });
    dev.invalidateToken("bot", { drop: false });
    const bad = await status.probeAccount({ account: config.resolveAccount(cfg, "a"), timeoutMs: 5000 });
    expect(bad).toMatchObject({ ok: false, kind: "token" });
    expect((bad as { error: string }).error).toContain("errCode 1502");
    expect(JSON.stringify(bad)).not.toContain(token);
    // Counted on the server: two REST calls, not one WebSocket connect or login.
    expect(dev.counters.requests["/user/get_users_info"]).toBe(
      (before.requests["/user/get_users_info"] ?? 0) + 2,
    );
    expect(dev.counters.logins).toBe(before.logins);
    expect(dev.counters.connectionsTotal).toBe(before.connectionsTotal);

    const snapshot = status.buildAccountSnapshot({
      account: config.resolveAccount(cfg, "a"),
      cfg,
      probe: bad,
    });
    const issues = status.collectStatusIssues([snapshot]);
    expect(issues).toEqual([
      expect.objectContaining({
        kind: "auth",
        accountId: "a",
        fix: expect.stringContaining("openclaw channels login --channel multi-openim --account a"),
      }),
    ]);
  });

  test("an unreachable server is a probe failure, not a token verdict", async () => {
    const cfg = cfgWith({
      a: { token: dev.mintToken("bot"), wsAddr: "ws://127.0.0.1:1", apiAddr: "http://127.0.0.1:1" },
    });
    const status = createStatusAdapter({ registry: new AccountRegistry(), reader });
    const r = await status.probeAccount({ account: config.resolveAccount(cfg, "a"), timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, kind: "unreachable" });
    expect(
      collectStatusIssues([
        status.buildAccountSnapshot({ account: config.resolveAccount(cfg, "a"), cfg, probe: r }),
      ]),
    ).toEqual([]);
  });
});

describe("buildAccountSnapshot + collectStatusIssues", () => {
  test("needs-login names the marker path and the login command", async () => {
    await writeFile(
      join(dir, "marker.a.json"),
      JSON.stringify({
        accountId: "a",
        at: "2026-01-01T00:00:00Z",
        lastError: { code: "REFRESH_DISABLED", message: "x" },
      }),
    );
    const cfg = cfgWith({ a: { token: dev.mintToken("bot"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } });
    const status = createStatusAdapter({ registry: new AccountRegistry(), reader });
    const snap = status.buildAccountSnapshot({
      account: config.resolveAccount(cfg, "a"),
      cfg,
      runtime: {
        accountId: "a",
        running: true,
        connected: false,
        statusState: "needs-login",
        lastError: "OnUserTokenInvalid errCode=1502",
      },
    });
    const [issue] = status.collectStatusIssues([snap]);
    expect(issue?.message).toContain(`manual-login marker ${join(dir, "marker.a.json")}`);
    expect(issue?.fix).toContain("openclaw channels login --channel multi-openim --account a");
    await rm(join(dir, "marker.a.json"));
  });

  test("token expiring within a day with refresh off; not with refresh http", () => {
    const soon = dev.mintToken("bot", { expiresInSec: 3600 });
    const off = cfgWith({ a: { token: soon, wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } });
    const http = cfgWith(
      { a: { token: soon, wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } },
      { mode: "http", http: { endpoint: "http://x", responseTokenPath: "t" } },
    );
    const status = createStatusAdapter({ registry: new AccountRegistry(), reader });
    const issuesFor = (cfg: unknown) =>
      status.collectStatusIssues([
        status.buildAccountSnapshot({
          account: config.resolveAccount(cfg, "a"),
          cfg,
          runtime: { running: true, connected: true },
        }),
      ]);
    expect(issuesFor(off)).toEqual([
      expect.objectContaining({
        kind: "auth",
        message: expect.stringContaining('tokenRefresh.mode is "off"'),
      }),
    ]);
    expect(issuesFor(http)).toEqual([]);
  });

  test("open circuit, stalled connection, dropped account, open DM policy", () => {
    const cfg = cfgWith({
      a: { token: dev.mintToken("bot"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr, dmPolicy: "open" },
      "../x": { token: dev.mintToken("bot"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr },
      c: { token: dev.mintToken("bot"), wsAddr: "not a url", apiAddr: dev.apiAddr },
    });
    const registry = new AccountRegistry();
    registry.add({
      account: config.resolveAccount(cfg, "a").resolved!,
      client: liveClient({
        connected: false,
        lastConnectedAt: Date.now() - 10 * 60_000,
        reconnects: 4,
        lastError: "ECONNREFUSED",
      }),
    });
    const status = createStatusAdapter({ registry, reader });
    const snaps = ["a", "../x", "c"].map((id) =>
      status.buildAccountSnapshot({
        account: config.resolveAccount(cfg, id),
        cfg,
        runtime:
          id === "a" ? { running: true, connected: false, lastError: "REFRESH_CIRCUIT_OPEN: paused" } : {},
      }),
    );
    const issues = status.collectStatusIssues(snaps);
    const text = issues.map((i) => `${i.accountId}|${i.kind}|${i.message}`);
    expect(text).toEqual([
      "a|runtime|token refresh is paused: the circuit opened after failed refreshes in a row",
      "a|runtime|not connected for 10 min (4 reconnects); last error: REFRESH_CIRCUIT_OPEN: paused",
      "a|config|anyone who can reach this OpenIM account can talk to the agent (dmPolicy open / allowFrom *)",
      expect.stringMatching(/^\.\.\/x\|config\|account dropped by validation: invalid account id/),
      expect.stringMatching(/^c\|config\|account dropped by validation: .*wsAddr/),
    ]);
    expect(JSON.stringify(snaps)).not.toMatch(/eyJ/);
  });

  test("a stale needs-login from an earlier publish is not an issue once the live client is connected", () => {
    const cfg = cfgWith({ a: { token: dev.mintToken("bot"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } });
    const registry = new AccountRegistry();
    registry.add({
      account: config.resolveAccount(cfg, "a").resolved!,
      client: liveClient({ connected: true }),
    });
    const status = createStatusAdapter({ registry, reader });
    const snap = status.buildAccountSnapshot({
      account: config.resolveAccount(cfg, "a"),
      cfg,
      runtime: { running: true, connected: false, statusState: "needs-login" },
    });
    expect(snap).toMatchObject({ connected: true, statusState: "ok" });
    expect(status.collectStatusIssues([snap])).toEqual([]);
  });

  test("a healthy account has no issues", () => {
    expect(
      collectStatusIssues([
        {
          accountId: "a",
          enabled: true,
          running: true,
          connected: true,
          openim: { refreshMode: "off", tokenExpiresAt: Date.now() + 2 * DAY_MS },
        },
      ]),
    ).toEqual([]);
  });
});

describe("auditAccount: groups named in the config that the bot never joined", () => {
  test("checked over REST after a good probe; the missing one is an issue with its fix; skipped without groups", async () => {
    dev.registerUser("auditor");
    dev.registerUser("someone");
    dev.createGroup("g-joined", ["auditor", "someone"]);
    dev.createGroup("g-not-joined", ["someone"]);
    const token = dev.mintToken("auditor");
    const cfg = {
      channels: {
        "multi-openim": {
          tokenRefresh: { mode: "off", manualLoginMarkerPath: join(dir, "marker.json") },
          groups: { "*": { requireMention: true }, "g-joined": { requireMention: false } },
          accounts: {
            a: {
              token,
              wsAddr: dev.wsAddr,
              apiAddr: dev.apiAddr,
              groups: { "g-not-joined": { requireMention: false } },
            },
            b: { token, wsAddr: dev.wsAddr, apiAddr: dev.apiAddr },
          },
        },
      },
    };
    const status = createStatusAdapter({ registry: new AccountRegistry(), reader });
    const account = config.resolveAccount(cfg, "a");
    const probe = await status.probeAccount({ account, timeoutMs: 5000 });
    const calls = dev.counters.requests["/group/get_joined_group_list"] ?? 0;
    const logins = dev.counters.logins;
    const audit = await status.auditAccount({ account, timeoutMs: 5000, probe });
    expect(audit).toMatchObject({ ok: true, checkedGroups: 2, groupsNotJoined: ["g-not-joined"] });
    expect(dev.counters.requests["/group/get_joined_group_list"]).toBe(calls + 1);
    expect(dev.counters.logins).toBe(logins);
    const issues = status.collectStatusIssues([status.buildAccountSnapshot({ account, cfg, probe, audit })]);
    expect(issues).toEqual([
      expect.objectContaining({
        kind: "config",
        accountId: "a",
        message: expect.stringContaining("g-not-joined, which the bot has not joined"),
        fix: expect.stringContaining("channels.multi-openim.accounts.a.groups"),
      }),
    ]);
    // Without a good probe, or with only "*" and joined groups, nothing is asked or reported.
    expect(
      await status.auditAccount({
        account,
        timeoutMs: 5000,
        probe: { ok: false, kind: "token", error: "x" },
      }),
    ).toBeUndefined();
    const other = config.resolveAccount(cfg, "b");
    const auditB = await status.auditAccount({ account: other, timeoutMs: 5000, probe });
    expect(auditB).toMatchObject({ ok: true, checkedGroups: 1, groupsNotJoined: [] });
    expect(
      status.collectStatusIssues([
        status.buildAccountSnapshot({ account: other, cfg, probe, audit: auditB }),
      ]),
    ).toEqual([]);
  });
});
