import { readFile, stat, writeFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { createTokenRefresher } from "./refresher.js";
import { type AuthServer, captureLogger, useAuthFixtures } from "./test-fixtures.js";

let server: AuthServer | undefined;
const { dir, serve } = useAuthFixtures();

const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));

describe("mode http: the seed's steps in order", () => {
  test("state → templates → POST → JSON → token/userID → write-back → persist → clearOnSuccess → token", async () => {
    const order: string[] = [];
    server = await serve(() => ({
      body: { data: { tokens: { openimToken: "NEW-OPENIM-TOKEN", refreshToken: "RT-2", userId: "u-9" } } },
    }));
    const stateFile = dir.join("tokens.json");
    await writeFile(
      stateFile,
      JSON.stringify({
        primary: { refresh_token: "RT-1", tenant: "acme", keep: "me" },
        other: { refresh_token: "OTHER-RT" },
      }),
    );
    const marker = dir.join("markers", "manual-login.json");
    const cleared = dir.join("cleanup.primary.flag");
    await writeFile(cleared, "x");
    const persisted: unknown[] = [];
    const refresher = createTokenRefresher({
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: marker,
        http: {
          stateFile,
          endpoint: `${server.url}/t/{state.tenant}/refresh?account={accountId}`,
          headers: { "x-tenant": "{state.tenant}", "x-account": "{accountId}" },
          body: { refreshToken: "{state.refresh_token}", nested: { list: ["{accountId}", 7, true] } },
          responseTokenPath: ["tokens.openimToken", "data.tokens.openimToken"],
          responseUserIdPath: "data.tokens.userId",
          stateWriteBack: {
            refresh_token: ["tokens.refreshToken", "data.tokens.refreshToken"],
            absent: "nope",
          },
          clearOnSuccess: [dir.join("cleanup.{accountId}.flag"), dir.join("never-existed.{accountId}")],
        },
      },
      persistToken: async (accountId, token, userID) => {
        // The rotated refresh token is already on disk when the new token is first handed out.
        const state = await readJson(stateFile);
        order.push(`persist sees state ${state.primary.refresh_token}`);
        persisted.push([accountId, token, userID]);
      },
    });

    const result = await refresher.refresh("primary", "OnUserTokenExpired");
    expect(result).toEqual({ ok: true, token: "NEW-OPENIM-TOKEN", userID: "u-9" });

    const [req] = server.requests;
    expect(server.requests).toHaveLength(1);
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/t/acme/refresh?account=primary");
    expect(req?.headers["x-tenant"]).toBe("acme");
    expect(req?.headers["x-account"]).toBe("primary");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req?.body ?? "")).toEqual({
      refreshToken: "RT-1",
      nested: { list: ["primary", 7, true] },
    });

    expect(order).toEqual(["persist sees state RT-2"]);
    expect(persisted).toEqual([["primary", "NEW-OPENIM-TOKEN", "u-9"]]);
    expect(await readJson(stateFile)).toEqual({
      primary: { refresh_token: "RT-2", tenant: "acme", keep: "me" },
      other: { refresh_token: "OTHER-RT" },
    });
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    await expect(stat(cleared)).rejects.toMatchObject({ code: "ENOENT" });
    refresher.dispose();
  });

  test("string body is sent verbatim after substitution; method and headers as configured", async () => {
    server = await serve(() => ({ body: { token: "T-PUT" } }));
    const stateFile = dir.join("tokens.json");
    await writeFile(stateFile, JSON.stringify({ a1: { rt: "R1" } }));
    const refresher = createTokenRefresher({
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: {
          stateFile,
          endpoint: `${server.url}/r`,
          method: "PUT",
          headers: { "content-type": "text/plain" },
          body: "grant=refresh&rt={state.rt}&who={accountId}",
          responseTokenPath: "token",
        },
      },
    });
    expect(await refresher.refresh("a1", "OnConnectFailed errCode=10001")).toEqual({
      ok: true,
      token: "T-PUT",
    });
    expect(server.requests[0]).toMatchObject({ method: "PUT", body: "grant=refresh&rt=R1&who=a1" });
    expect(server.requests[0]?.headers["content-type"]).toBe("text/plain");
  });

  test("no stateFile, no body: a bare POST; first non-empty path wins over an empty string", async () => {
    server = await serve(() => ({ body: { a: "", b: { c: "T-B" } } }));
    const refresher = createTokenRefresher({
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: { endpoint: `${server.url}/{accountId}`, responseTokenPath: ["a", "missing.path", "b.c"] },
      },
    });
    expect(await refresher.refresh("x", "r")).toEqual({ ok: true, token: "T-B" });
    expect(server.requests[0]).toMatchObject({ method: "POST", url: "/x", body: "" });
  });

  test("a missing {state.field} renders empty and is reported by name; a missing state file is empty state", async () => {
    server = await serve(() => ({ body: { token: "T" } }));
    const { logger, lines } = captureLogger();
    const refresher = createTokenRefresher({
      logger,
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: {
          stateFile: dir.join("absent.json"),
          endpoint: `${server.url}/r`,
          body: { rt: "{state.refresh_token}" },
          responseTokenPath: "token",
        },
      },
    });
    expect((await refresher.refresh("p", "r")).ok).toBe(true);
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ rt: "" });
    expect(lines.some((l) => l.startsWith("warn") && l.includes("{state.refresh_token}"))).toBe(true);
  });

  test("a persistToken that throws keeps the token but reports REFRESH_PERSIST", async () => {
    server = await serve(() => ({ body: { token: "T-KEEP" } }));
    const { logger, lines } = captureLogger();
    const refresher = createTokenRefresher({
      logger,
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: { endpoint: `${server.url}/r`, responseTokenPath: "token" },
      },
      persistToken: () => {
        throw new Error("disk full");
      },
    });
    const result = await refresher.refresh("p", "r");
    expect(result).toMatchObject({ ok: true, token: "T-KEEP", persistError: { code: "REFRESH_PERSIST" } });
    expect(lines.some((l) => l.startsWith("error") && l.includes("disk full"))).toBe(true);
  });
});

describe("observer hooks", () => {
  test("onRefreshStart / onRefreshSuccess / onRefreshFailure get events without the token; a throwing observer is ignored", async () => {
    let status = 200;
    server = await serve(() => ({ status, body: { token: "OBSERVED-TOKEN", uid: "u7" } }));
    const events: [string, unknown][] = [];
    const { logger, lines } = captureLogger();
    const refresher = createTokenRefresher({
      logger,
      backoff: { retries: 0 },
      onRefreshStart: (e) => events.push(["start", e]),
      onRefreshSuccess: (e) => {
        events.push(["success", e]);
        throw new Error("metrics backend down");
      },
      onRefreshFailure: (e) => events.push(["failure", e]),
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: { endpoint: `${server.url}/r`, responseTokenPath: "token", responseUserIdPath: "uid" },
      },
    });
    expect(await refresher.refresh("obs", "OnUserTokenExpired")).toMatchObject({ ok: true, userID: "u7" });
    status = 503;
    await refresher.refresh("obs", "OnConnectFailed errCode=10001");
    expect(events).toEqual([
      ["start", { accountId: "obs", reason: "OnUserTokenExpired", mode: "http" }],
      [
        "success",
        {
          accountId: "obs",
          reason: "OnUserTokenExpired",
          mode: "http",
          durationMs: expect.any(Number),
          attempts: 1,
          userID: "u7",
        },
      ],
      ["start", { accountId: "obs", reason: "OnConnectFailed errCode=10001", mode: "http" }],
      [
        "failure",
        {
          accountId: "obs",
          reason: "OnConnectFailed errCode=10001",
          mode: "http",
          durationMs: expect.any(Number),
          attempts: 1,
          code: "REFRESH_HTTP_STATUS",
          message: expect.stringContaining("HTTP 503"),
          markerPath: dir.join("m.obs.json"),
        },
      ],
    ]);
    expect(JSON.stringify(events)).not.toContain("OBSERVED-TOKEN");
    expect(lines.some((l) => l.includes("onRefreshSuccess hook threw: metrics backend down"))).toBe(true);
  });
});
