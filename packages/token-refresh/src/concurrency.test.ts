import { readFile, writeFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { createTokenRefresher } from "./refresher.js";
import { type AuthServer, useAuthFixtures } from "./test-fixtures.js";

let server: AuthServer | undefined;
const { dir, serve } = useAuthFixtures();

test("100 concurrent refreshes of one account make 1 request and share its result", async () => {
  server = await serve(() => ({ body: { token: "SHARED" }, delayMs: 50 }));
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("m.json"),
      http: { endpoint: `${server.url}/r`, responseTokenPath: "token" },
    },
  });
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => refresher.refresh("solo", `r${i}`)),
  );
  expect(server.requests).toHaveLength(1);
  expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(
    new Set([JSON.stringify({ ok: true, token: "SHARED" })]),
  );
  // Once settled, the next call is a fresh attempt.
  await refresher.refresh("solo", "again");
  expect(server.requests).toHaveLength(2);
});

test("20 accounts at once make 20 requests in parallel, each with its own state, into one state file", async () => {
  const n = 20;
  let waiting = 0;
  let released = 0;
  let release: () => void = () => {};
  const barrier = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Holds every request until all 20 are in flight: serialized refreshes would never get past this.
  const fallback = setTimeout(() => release(), 5000);
  server = await serve(async (req) => {
    waiting += 1;
    if (waiting === n) {
      released = waiting;
      release();
    }
    await barrier;
    const { rt } = JSON.parse(req.body);
    return { body: { token: `TOKEN-${rt}`, next: `${rt}-next` } };
  });
  const stateFile = dir.join("tokens.json");
  const state = Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`acc${i}`, { refresh_token: `rt${i}` }]),
  );
  await writeFile(stateFile, JSON.stringify(state));
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("m.json"),
      http: {
        stateFile,
        endpoint: `${server.url}/r/{accountId}`,
        body: { rt: "{state.refresh_token}" },
        responseTokenPath: "token",
        stateWriteBack: { refresh_token: "next" },
      },
    },
  });
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => refresher.refresh(`acc${i}`, "OnUserTokenExpired")),
  );
  clearTimeout(fallback);
  expect(released).toBe(n);
  expect(server.requests).toHaveLength(n);
  expect(results).toEqual(Array.from({ length: n }, (_, i) => ({ ok: true, token: `TOKEN-rt${i}` })));
  // Parallel write-backs to the same file lose nothing.
  const saved = JSON.parse(await readFile(stateFile, "utf8"));
  expect(saved).toEqual(
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`acc${i}`, { refresh_token: `rt${i}-next` }])),
  );
});
