import { readFile, stat } from "node:fs/promises";
import { afterEach, expect, test } from "vitest";
import type { RefreshResult } from "./options.js";
import { createTokenRefresher, type TokenRefresher } from "./refresher.js";
import { captureLogger, until, useAuthFixtures } from "./test-fixtures.js";

const { dir, serve } = useAuthFixtures();
let refresher: TokenRefresher | undefined;
afterEach(() => refresher?.dispose());

const httpRefresher = (url: string, extra: Parameters<typeof createTokenRefresher>[0] = {}) =>
  createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("m.json"),
      http: { endpoint: `${url}/r`, responseTokenPath: "token" },
    },
    backoff: { baseMs: 20, capMs: 40, retries: 0, jitter: 0 },
    ...extra,
  });

test("failures carry typed retryable and retryAfterMs: 503 yes with the backoff, 401 no", async () => {
  let status = 503;
  const server = await serve(() => ({ status, body: "nope" }));
  refresher = httpRefresher(server.url);
  expect(await refresher.refresh("a", "t")).toMatchObject({ ok: false, retryable: true, retryAfterMs: 20 });
  status = 401;
  const terminal = await refresher.refresh("a", "t");
  expect(terminal).toMatchObject({ ok: false, code: "REFRESH_HTTP_STATUS", retryable: false });
  expect(terminal).not.toHaveProperty("retryAfterMs");
});

test("an open circuit: retryable until it closes, no marker rewrite and no error line per refused call", async () => {
  const server = await serve(() => ({ status: 503, body: "down" }));
  const { logger, lines } = captureLogger();
  refresher = httpRefresher(server.url, { logger, circuit: { failureThreshold: 2, openMs: 60_000 } });
  await refresher.refresh("a", "t");
  await refresher.refresh("a", "t");
  const marker = await stat(dir.join("m.a.json"));
  const errorsBefore = lines.filter((l) => l.startsWith("error")).length;
  for (let i = 0; i < 5; i++) {
    const refused = await refresher.refresh("a", "t");
    expect(refused).toMatchObject({ ok: false, code: "REFRESH_CIRCUIT_OPEN", retryable: true });
    const after = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(after).toBeGreaterThan(55_000);
    expect(after).toBeLessThanOrEqual(60_000);
  }
  expect(server.requests).toHaveLength(2);
  expect(lines.filter((l) => l.startsWith("error")).length).toBe(errorsBefore);
  expect((await stat(dir.join("m.a.json"))).mtimeMs).toBe(marker.mtimeMs);
  expect(JSON.parse(await readFile(dir.join("m.a.json"), "utf8")).lastError.code).toBe("REFRESH_HTTP_STATUS");
});

test("a watched account: the engine retries a retryable failure itself and hands the token to the listener", async () => {
  let down = 2; // the third failure in a row would open the circuit (default threshold 3)
  const server = await serve(() => (down-- > 0 ? { status: 502, body: "x" } : { body: { token: "NEW" } }));
  refresher = httpRefresher(server.url);
  const results: RefreshResult[] = [];
  refresher.watch("a", (r) => results.push(r));
  const first = await refresher.refresh("a", "OnUserTokenExpired");
  expect(first).toMatchObject({ ok: false, retryable: true });
  await until(() => results.some((r) => r.ok), "the token from the engine's own retries");
  expect(results.at(-1)).toEqual({ ok: true, token: "NEW" });
  expect(results.filter((r) => !r.ok)).toHaveLength(1);
  expect(server.requests).toHaveLength(3);
  await expect(stat(dir.join("m.a.json"))).rejects.toMatchObject({ code: "ENOENT" });
});

test("a terminal failure of a watched account stops the engine's retries", async () => {
  const server = await serve(() => ({ status: 403, body: "revoked" }));
  refresher = httpRefresher(server.url);
  const results: RefreshResult[] = [];
  refresher.watch("a", (r) => results.push(r));
  expect(await refresher.refresh("a", "t")).toMatchObject({ ok: false, retryable: false });
  await new Promise((r) => setTimeout(r, 200));
  expect(server.requests).toHaveLength(1);
  expect(results).toHaveLength(0);
});
