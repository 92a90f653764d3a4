import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenRefresher } from "@multi-openim/token-refresh";
import { afterAll, beforeAll, expect, test } from "vitest";
import { accountOn, type DevServer, harness, startDevServer, waitFor } from "./test-support.js";

// mode "admin" end to end: the real engine mints tokens from the devserver's admin secret for the real SDK.
const SECRET = "adm1n-S3cret-value";
let server: DevServer;
let dir: string;
beforeAll(async () => {
  server = await startDevServer({ secret: SECRET });
  dir = await mkdtemp(join(tmpdir(), "client-admin-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const nextSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

test("admin mode: logs in with an expired token, refreshes on expiry and on a kick; the secret is never printed", {
  timeout: 60_000,
}, async () => {
  const output: string[] = [];
  const logger = {
    debug: (m: string) => output.push(m),
    info: (m: string) => output.push(m),
    warn: (m: string) => output.push(m),
    error: (m: string) => output.push(m),
  };
  const account = accountOn(server, "adm", "bot-adm", { expiresInSec: -60 });
  const reasons: string[] = [];
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "admin",
      manualLoginMarkerPath: join(dir, "manual-login.json"),
      admin: { adminUserID: "imAdmin", secretEnv: "ADMIN_SECRET_FOR_TEST" },
    },
    env: { ADMIN_SECRET_FOR_TEST: SECRET },
    accountInfo: (id) => (id === "adm" ? account : undefined),
    logger,
    onRefreshStart: ({ reason }) => reasons.push(reason),
    onRefreshSuccess: (e) => output.push(JSON.stringify(e)),
    onRefreshFailure: (e) => output.push(JSON.stringify(e)),
  });
  const h = harness(account, { tokenRefresher: refresher, logger, kickWindowMs: 2000 });
  h.client.on("status", (s) => output.push(JSON.stringify(s)));
  try {
    expect(await h.client.start()).toMatchObject({ connected: true, auth: "ok" });
    expect(reasons).toEqual(["token expired before start"]);

    await nextSecond();
    server.expireToken("bot-adm");
    await waitFor(() => reasons.length === 2 && h.client.status().connected, 20_000, "refresh on expiry");
    expect(reasons[1]).toMatch(/^OnUserTokenExpired/);

    await nextSecond();
    server.kick("bot-adm");
    await waitFor(() => reasons.length === 3 && h.client.status().connected, 20_000, "refresh on kick");
    expect(reasons[2]).toMatch(/^OnKickedOffline/);
    expect(h.client.status()).toMatchObject({ auth: "ok", connected: true });
  } finally {
    await h.client.stop();
    refresher.dispose();
  }
  // Every file the engine wrote (markers, the lock folder's last-token record) and every line it printed.
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const all = [...output, ...(await Promise.all(files.map((f) => readFile(f, "utf8"))))];
  expect(all.length).toBeGreaterThan(3);
  expect(all.join("\n")).not.toContain(SECRET);
});

test("admin mode: a wrong secret is final (needs-login), the marker and logs name the cause, never the secret", {
  timeout: 30_000,
}, async () => {
  const wrong = "not-the-secret-123";
  const output: string[] = [];
  const push = (m: string) => output.push(m);
  const account = accountOn(server, "adm-bad", "bot-adm-bad", { expiresInSec: -60 });
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "admin",
      manualLoginMarkerPath: join(dir, "bad.json"),
      admin: { adminUserID: "imAdmin", secret: wrong },
    },
    accountInfo: () => account,
    logger: { debug: push, info: push, warn: push, error: push },
  });
  expect(output.join("\n")).toContain("tokenRefresh.admin.secret is written inline");
  const h = harness(account, { tokenRefresher: refresher, logger: { info: push, warn: push, error: push } });
  try {
    const status = await h.client.start();
    expect(status).toMatchObject({ auth: "needs-login", connected: false });
    expect(status.lastError).toContain("errCode=1002");
    const marker = await readFile(join(dir, "bad.adm-bad.json"), "utf8");
    expect(marker).toContain("get_admin_token");
    expect(`${output.join("\n")}\n${marker}\n${JSON.stringify(status)}`).not.toContain(wrong);
  } finally {
    await h.client.stop();
    refresher.dispose();
  }
});
