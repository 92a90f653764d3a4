import { readFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import type { TokenRefresherHook } from "./hook-refresh.js";
import { resolveTokenRefresh } from "./options.js";
import { createTokenRefresher } from "./refresher.js";
import { captureLogger, useAuthFixtures } from "./test-fixtures.js";

const { dir } = useAuthFixtures({
  reset: () => {
    globalThis.__multiOpenimTokenRefresher = undefined;
  },
});

const readMarker = async (accountId: string) =>
  JSON.parse(await readFile(dir.join(`manual-login.${accountId}.json`), "utf8"));

function hookRefresher(persisted: unknown[] = []) {
  return createTokenRefresher({
    tokenRefresh: { mode: "hook", manualLoginMarkerPath: dir.join("manual-login.json") },
    persistToken: (...args) => {
      persisted.push(args);
    },
  });
}

describe("mode hook", () => {
  test("a hook token is returned and persisted; the hook sees accountId and reason", async () => {
    const calls: string[] = [];
    const hook: TokenRefresherHook = async (accountId, reason) => {
      calls.push(`${accountId}|${reason}`);
      return { token: "HOOK-TOKEN", userID: "u1" };
    };
    globalThis.__multiOpenimTokenRefresher = hook;
    const persisted: unknown[] = [];
    const result = await hookRefresher(persisted).refresh("primary", "OnConnectFailed errCode=10001");
    expect(result).toEqual({ ok: true, token: "HOOK-TOKEN", userID: "u1" });
    expect(calls).toEqual(["primary|OnConnectFailed errCode=10001"]);
    expect(persisted).toEqual([["primary", "HOOK-TOKEN", "u1"]]);
  });

  const failingHooks: [string, () => unknown, string, RegExp][] = [
    ["returns null", () => null, "REFRESH_HOOK_FAILED", /returned no token/],
    [
      "throws",
      (): never => {
        throw new Error("store offline");
      },
      "REFRESH_HOOK_FAILED",
      /threw \(Error\);/,
    ],
    ["returns no string token", () => ({ token: 42 }), "REFRESH_NO_TOKEN", /without a string/],
  ];
  test.each(failingHooks)("a hook that %s writes the marker", async (_name, hook, code, message) => {
    globalThis.__multiOpenimTokenRefresher = hook as TokenRefresherHook;
    const result = await hookRefresher().refresh("h1", "OnUserTokenExpired");
    expect(result).toMatchObject({ ok: false, code, markerPath: dir.join("manual-login.h1.json") });
    expect(await readMarker("h1")).toMatchObject({
      accountId: "h1",
      lastError: { code, message: expect.stringMatching(message) },
    });
  });

  test("an unset hook writes the marker and says how to fix it", async () => {
    const result = await hookRefresher().refresh("h2", "OnUserTokenExpired");
    expect(result).toMatchObject({ ok: false, code: "REFRESH_HOOK_FAILED" });
    if (!result.ok) expect(result.message).toContain("__multiOpenimTokenRefresher is not a function");
    expect(await readMarker("h2")).toMatchObject({ reason: "OnUserTokenExpired" });
  });

  test("hook is the default mode", () => {
    expect(resolveTokenRefresh({}).config.mode).toBe("hook");
  });
});

describe("mode off and the downgrade to off", () => {
  test("off writes the marker at once and calls nothing", async () => {
    let called = false;
    globalThis.__multiOpenimTokenRefresher = async () => {
      called = true;
      return { token: "x" };
    };
    const refresher = createTokenRefresher({
      tokenRefresh: { mode: "off", manualLoginMarkerPath: dir.join("manual-login.json") },
    });
    expect(await refresher.refresh("o1", "OnKickedOffline")).toMatchObject({
      ok: false,
      code: "REFRESH_DISABLED",
    });
    expect(called).toBe(false);
    expect(await readMarker("o1")).toMatchObject({
      accountId: "o1",
      lastError: { code: "REFRESH_DISABLED" },
    });
  });

  test.each([
    [{ responseTokenPath: "token" }, "tokenRefresh.http.endpoint"],
    [{ endpoint: "http://127.0.0.1:9/r" }, "tokenRefresh.http.responseTokenPath"],
    [undefined, "tokenRefresh.http.endpoint and tokenRefresh.http.responseTokenPath"],
  ])("http missing fields → a warning naming them, then off (%#)", async (http, named) => {
    const { logger, lines } = captureLogger();
    const refresher = createTokenRefresher({
      logger,
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("manual-login.json"),
        ...(http ? { http } : {}),
      },
    });
    expect(lines.filter((l) => l.startsWith("warn"))).toEqual([expect.stringContaining(named)]);
    expect(await refresher.refresh("d1", "r")).toMatchObject({ ok: false, code: "REFRESH_DISABLED" });
  });

  test("refresh resolves even when a caller-supplied observer throws", async () => {
    const refresher = createTokenRefresher({
      tokenRefresh: { mode: "off", manualLoginMarkerPath: dir.join("manual-login.json") },
      onRefreshStart: () => {
        throw new Error("observer broke");
      },
      onRefreshFailure: () => {
        throw new Error("observer broke again");
      },
    });
    expect(await refresher.refresh("o2", "r")).toMatchObject({ ok: false, code: "REFRESH_DISABLED" });
  });

  test("invalid options throw CONFIG_INVALID naming the field", () => {
    expect(() => createTokenRefresher({ tokenRefresh: { mode: "sometimes" as "off" } })).toThrowError(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        message: expect.stringContaining("tokenRefresh.mode"),
      }),
    );
    expect(() =>
      createTokenRefresher({
        tokenRefresh: { mode: "http", http: { endpoint: "x", responseTokenPath: "t", timeoutMs: -1 } },
      }),
    ).toThrowError(
      expect.objectContaining({ message: expect.stringContaining("tokenRefresh.http.timeoutMs") }),
    );
  });
});
