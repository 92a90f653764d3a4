import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { TokenRefreshSettings } from "./options.js";
import { createTokenRefresher } from "./refresher.js";
import {
  type AuthServer,
  captureLogger,
  type Reply,
  startAuthServer,
  useAuthFixtures,
} from "./test-fixtures.js";

let server: AuthServer | undefined;
const { dir, serve } = useAuthFixtures();

async function refreshAgainst(
  reply: Reply & { before?: () => Promise<void> },
  http: Partial<NonNullable<TokenRefreshSettings["http"]>> = {},
) {
  server = await serve(async () => {
    await reply.before?.();
    return reply;
  });
  const { logger, lines } = captureLogger();
  const persisted: string[] = [];
  const refresher = createTokenRefresher({
    logger,
    backoff: { retries: 0 },
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("manual-login.json"),
      http: { endpoint: `${server.url}/refresh`, responseTokenPath: "token", ...http },
    },
    persistToken: (_id, token) => {
      persisted.push(token);
    },
  });
  const result = await refresher.refresh("primary", "OnUserTokenInvalid");
  refresher.dispose();
  return { result, lines, persisted };
}

describe("each failure resolves {ok: false, code, markerPath} and writes the marker", () => {
  test.each([
    ["500", { status: 500, body: "upstream down" }, "REFRESH_HTTP_STATUS", /HTTP 500$/],
    ["401", { status: 401, body: { error: "refresh token revoked" } }, "REFRESH_HTTP_STATUS", /HTTP 401/],
    ["invalid JSON", { body: "<html>not json</html>" }, "REFRESH_BAD_JSON", /not JSON/],
    ["token path missing", { body: { data: {} } }, "REFRESH_NO_TOKEN", /responseTokenPath "token"/],
    ["non-string token", { body: { token: 12345 } }, "REFRESH_NO_TOKEN", /holds a number, expected a string/],
    ["array token", { body: { token: ["a"] } }, "REFRESH_NO_TOKEN", /holds a array/],
  ] as const)("%s", async (_name, reply, code, message) => {
    const { result, lines, persisted } = await refreshAgainst(reply);
    const markerPath = dir.join("manual-login.primary.json");
    expect(result).toMatchObject({ ok: false, code, markerPath });
    if (!result.ok) expect(result.message).toMatch(message);
    expect(persisted).toEqual([]);
    const marker = JSON.parse(await readFile(markerPath, "utf8"));
    expect(marker).toMatchObject({ accountId: "primary", reason: "OnUserTokenInvalid", lastError: { code } });
    expect(Number.isNaN(Date.parse(marker.at))).toBe(false);
    expect((await stat(markerPath)).mode & 0o777).toBe(0o600);
    expect(lines.some((l) => l.startsWith("error") && l.includes(code))).toBe(true);
  });

  test("timeout: the request is aborted after timeoutMs", async () => {
    const { result } = await refreshAgainst({ delayMs: 3000, body: { token: "late" } }, { timeoutMs: 150 });
    expect(result).toMatchObject({ ok: false, code: "REFRESH_TIMEOUT" });
    if (!result.ok) expect(result.message).toContain("150 ms");
  });

  test("connection refused is REFRESH_NETWORK", async () => {
    const closed = await startAuthServer(() => ({}));
    await closed.close();
    const refresher = createTokenRefresher({
      backoff: { retries: 0 },
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: { endpoint: `${closed.url}/r`, responseTokenPath: "token" },
      },
    });
    expect(await refresher.refresh("a", "r")).toMatchObject({ ok: false, code: "REFRESH_NETWORK" });
  });

  test("non-2xx body is logged cut to 300 characters", async () => {
    const long = `${"A".repeat(300)}TAIL-BEYOND-300`;
    const { lines } = await refreshAgainst({ status: 502, body: long });
    const line = lines.find((l) => l.includes("HTTP 502"));
    expect(line).toContain("A".repeat(300));
    expect(lines.join("\n")).not.toContain("TAIL-BEYOND-300");
  });

  test("a state file that cannot be written fails as REFRESH_STATE_WRITE and the token is not used", async () => {
    const stateDir = dir.join("state");
    const stateFile = join(stateDir, "tokens.json");
    await mkdir(stateDir);
    await writeFile(stateFile, JSON.stringify({ primary: { refresh_token: "OLD-RT" } }));
    // While the server answers, the state folder becomes a plain file: a parent that is a file defeats the
    // write even for root (a read-only folder would not).
    const { result, persisted } = await refreshAgainst(
      {
        body: { token: "NEW-T", refresh: "ROTATED-RT" },
        before: async () => {
          await rm(stateDir, { recursive: true });
          await writeFile(stateDir, "now a file");
        },
      },
      { stateFile, stateWriteBack: { refresh_token: "refresh" } },
    );
    expect(server?.requests).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, code: "REFRESH_STATE_WRITE" });
    if (!result.ok) {
      expect(result.message).toContain("refresh_token");
      expect(result.message).not.toContain("ROTATED-RT");
    }
    expect(persisted).toEqual([]);
  });

  test("a state file that is not JSON fails as REFRESH_STATE_READ before any request", async () => {
    const stateFile = dir.join("tokens.json");
    await writeFile(stateFile, "{ broken");
    const { result } = await refreshAgainst({ body: { token: "T" } }, { stateFile });
    expect(result).toMatchObject({ ok: false, code: "REFRESH_STATE_READ" });
    expect(server?.requests).toHaveLength(0);
  });
});

describe("the manual-login marker", () => {
  test("is written on failure and removed by the next success", async () => {
    let fail = true;
    server = await serve(() => (fail ? { status: 401, body: "no" } : { body: { token: "OK-T" } }));
    const refresher = createTokenRefresher({
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("ml.json"),
        http: { endpoint: `${server.url}/r`, responseTokenPath: "token" },
      },
    });
    const failed = await refresher.refresh("team-b", "OnKickedOffline");
    expect(failed).toEqual({
      ok: false,
      code: "REFRESH_HTTP_STATUS",
      message: expect.any(String),
      markerPath: dir.join("ml.team-b.json"),
      retryable: false,
    });
    await stat(dir.join("ml.team-b.json"));
    fail = false;
    expect(await refresher.refresh("team-b", "OnUserTokenExpired")).toEqual({ ok: true, token: "OK-T" });
    await expect(stat(dir.join("ml.team-b.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  test("dispose during a request aborts it: STOPPED, and no marker (nothing is wrong with the token)", async () => {
    server = await serve(() => ({ delayMs: 3000, body: { token: "late" } }));
    const refresher = createTokenRefresher({
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("ml.json"),
        http: { endpoint: `${server.url}/r`, responseTokenPath: "token" },
      },
    });
    const pending = refresher.refresh("s1", "r");
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    refresher.dispose();
    expect(await pending).toMatchObject({ ok: false, code: "STOPPED" });
    await expect(stat(dir.join("ml.s1.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  test("an invalid accountId is refused before anything runs", async () => {
    const refresher = createTokenRefresher({ tokenRefresh: { mode: "off" } });
    expect(await refresher.refresh("../etc", "r")).toMatchObject({ ok: false, code: "ACCOUNT_ID_INVALID" });
  });
});
