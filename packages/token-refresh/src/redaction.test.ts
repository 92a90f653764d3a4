import { readdir, readFile, writeFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { createTokenRefresher } from "./refresher.js";
import { type AuthServer, captureLogger, useAuthFixtures } from "./test-fixtures.js";

let server: AuthServer | undefined;
const { dir, serve } = useAuthFixtures({
  reset: () => {
    globalThis.__multiOpenimTokenRefresher = undefined;
  },
});

const SECRETS = {
  oldToken: "OLD-OPENIM-TOKEN-abc123",
  refreshToken: "RT-SECRET-one-111",
  apiKey: "APIKEY-SECRET-222",
  clientBlob: "CLIENTBLOB-333",
  staticKey: "STATIC-KEY-444",
  newToken: "NEW-OPENIM-TOKEN-555",
  rotated: "RT-ROTATED-666",
  hookToken: "HOOK-TOKEN-777",
};

test("no token, refresh token or templated header value reaches a log line, error, marker or hook event", async () => {
  // The server echoes what it was sent into its answers, as real error pages sometimes do.
  let mode: "echo500" | "ok" | "echo401" | "badjson" | "numtoken" = "echo500";
  server = await serve((req) => {
    const echo = `${req.body} ${JSON.stringify(req.headers)}`;
    if (mode === "echo500") return { status: 500, body: `failed for ${echo}` };
    if (mode === "echo401") return { status: 401, body: `rejected ${echo}` };
    if (mode === "badjson") return { body: `{"token": "${SECRETS.newToken}" oops` };
    if (mode === "numtoken") return { body: { token: 5, leak: SECRETS.newToken } };
    return { body: { data: { token: SECRETS.newToken, refresh: SECRETS.rotated } } };
  });
  const stateFile = dir.join("tokens.json");
  await writeFile(
    stateFile,
    JSON.stringify({
      acct: { refresh_token: SECRETS.refreshToken, api_key: SECRETS.apiKey, blob: SECRETS.clientBlob },
    }),
  );
  const captured: string[] = [];
  const { logger, lines } = captureLogger();
  const markers: string[] = [];
  const snapshotMarkers = async () => {
    for (const name of await readdir(dir.path)) {
      if (name.startsWith("ml.")) markers.push(await readFile(dir.join(name), "utf8"));
    }
  };
  const events = (name: string) => (event: unknown) => captured.push(`${name} ${JSON.stringify(event)}`);
  const refresher = createTokenRefresher({
    logger,
    secrets: [SECRETS.oldToken],
    backoff: { retries: 1, baseMs: 1, capMs: 1 },
    onRefreshStart: events("start"),
    onRefreshSuccess: events("success"),
    onRefreshFailure: events("failure"),
    persistToken: (_id, token) => {
      throw new Error(`could not store ${token} (old one was ${SECRETS.oldToken})`);
    },
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("ml.json"),
      http: {
        stateFile,
        endpoint: `${server.url}/refresh?rt={state.refresh_token}`,
        headers: {
          authorization: "Bearer {state.api_key}",
          "x-client": "{state.blob}",
          "x-api-key": SECRETS.staticKey,
        },
        body: { refreshToken: "{state.refresh_token}", old: SECRETS.oldToken },
        responseTokenPath: "data.token",
        stateWriteBack: { refresh_token: "data.refresh" },
      },
    },
  });
  const results: unknown[] = [];
  for (const next of ["echo500", "ok", "echo401", "badjson", "numtoken", "ok"] as const) {
    mode = next;
    results.push(await refresher.refresh("acct", "OnUserTokenExpired"));
    await snapshotMarkers();
  }

  globalThis.__multiOpenimTokenRefresher = async () => ({ token: SECRETS.hookToken });
  const hookRefresher = createTokenRefresher({
    logger,
    onRefreshFailure: events("failure"),
    tokenRefresh: { mode: "hook", manualLoginMarkerPath: dir.join("ml.json") },
  });
  results.push(await hookRefresher.refresh("hook", "OnKickedOffline"));
  globalThis.__multiOpenimTokenRefresher = async () => {
    throw new Error(`upstream refused ${SECRETS.hookToken}`);
  };
  results.push(await hookRefresher.refresh("hook", "OnKickedOffline"));
  await snapshotMarkers();

  // The run really went through the paths that could leak: echoed bodies, a rotation, failures, markers.
  expect(server.requests.length).toBeGreaterThanOrEqual(6);
  expect(JSON.parse(server.requests[0]?.body ?? "{}").refreshToken).toBe(SECRETS.refreshToken);
  expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${SECRETS.apiKey}`);
  expect(JSON.parse(server.requests.at(-1)?.body ?? "{}").refreshToken).toBe(SECRETS.rotated);
  expect(markers.length).toBeGreaterThanOrEqual(3);
  expect(lines.some((l) => l.includes("[redacted]"))).toBe(true);

  const everything = [
    ...lines,
    ...markers,
    ...captured,
    ...results.map((r) => JSON.stringify(r, (k, v) => (k === "token" ? "<returned>" : v))),
  ].join("\n");
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(everything.includes(secret), `${name} leaked`).toBe(false);
  }
  // The token is only handed to the caller, in the result.
  expect(results).toContainEqual(expect.objectContaining({ ok: true, token: SECRETS.newToken }));
});
