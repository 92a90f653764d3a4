import { execFileSync } from "node:child_process";
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createTokenRefresher, type TokenRefresher } from "./refresher.js";
import { type AuthServer, captureLogger, jwtExpiringAt, until, useAuthFixtures } from "./test-fixtures.js";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const { dir, serve } = useAuthFixtures();
let server: AuthServer;
let refresher: TokenRefresher;
let fetches: string[];
let nextExp: () => number;
let lines: string[];
const plannedAt = (accountId: string, atMs: number) =>
  lines.some((l) =>
    new RegExp(`"${accountId}": (proactive refresh|retry) at ${new Date(atMs).toISOString()}`).test(l),
  );

beforeEach(async () => {
  nextExp = () => Date.now() + 60 * MIN;
  server = await serve(() => ({ body: { token: jwtExpiringAt(nextExp()) } }));
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "Date"],
    now: Date.parse("2026-03-01T00:00:00Z"),
  });
  fetches = [];
  const capture = captureLogger();
  lines = capture.lines;
  refresher = createTokenRefresher({
    logger: capture.logger,
    // Fake timers and a lock kept fresh by timers do not mix; the lock has its own tests (lock.test.ts).
    lock: false,
    proactiveMarginMs: 5 * MIN,
    fetch: (url, init) => {
      fetches.push(String(init?.body ?? ""));
      return fetch(url, init);
    },
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("m.json"),
      http: { endpoint: `${server.url}/r`, body: { who: "{accountId}" }, responseTokenPath: "token" },
    },
  });
});
afterEach(async () => {
  refresher.dispose();
  vi.useRealTimers();
});

describe("proactive refresh", () => {
  test("runs `margin` before exp, then plans the next one from the new token's exp", async () => {
    const start = Date.now();
    const at = refresher.scheduleRefresh("p", start + 10 * MIN);
    expect(at).toBe(start + 5 * MIN);
    await vi.advanceTimersByTimeAsync(5 * MIN - 1);
    expect(fetches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => server.requests.length === 1, "the proactive refresh");
    // The new token expires 60 min after it was issued, so the next refresh comes 55 min later.
    await until(() => plannedAt("p", start + 60 * MIN), "the next plan");
    await vi.advanceTimersByTimeAsync(55 * MIN - 1000);
    expect(fetches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => server.requests.length === 2, "the second proactive refresh");
  });

  test("a failed proactive refresh tries again before exp (every margin/4), then succeeds", async () => {
    let failing = 2;
    await server.close();
    server = await serve(() =>
      failing-- > 0 ? { status: 503, body: "busy" } : { body: { token: jwtExpiringAt(nextExp()) } },
    );
    refresher.dispose();
    const capture = captureLogger();
    lines = capture.lines;
    refresher = createTokenRefresher({
      logger: capture.logger,
      lock: false,
      proactiveMarginMs: 4 * MIN,
      backoff: { retries: 0 },
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: { endpoint: `${server.url}/r`, responseTokenPath: "token" },
      },
    });
    const start = Date.now();
    refresher.scheduleRefresh("p", start + 10 * MIN);
    await vi.advanceTimersByTimeAsync(6 * MIN);
    await until(() => plannedAt("p", start + 7 * MIN), "the first retry plan");
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MIN);
    await until(() => plannedAt("p", start + 8 * MIN), "the second retry plan");
    expect(server.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(MIN);
    await until(
      () => lines.some((l) => /token refreshed \((ProactiveRefresh|RetryAfterFailure)/.test(l)),
      "the success",
    );
    expect(server.requests).toHaveLength(3);
  });

  test("an exp already inside the margin refreshes at once", async () => {
    expect(refresher.scheduleRefresh("late", Date.now() + MIN)).toBe(Date.now());
    await vi.advanceTimersByTimeAsync(0);
    await until(() => server.requests.length === 1, "the immediate refresh");
  });

  test("a token that lives for weeks is still refreshed on time (delays beyond the 24.8-day timer limit)", async () => {
    const exp = Date.now() + 60 * DAY;
    nextExp = () => Date.now() + 90 * DAY;
    refresher.scheduleRefresh("long", exp);
    await vi.advanceTimersByTimeAsync(30 * DAY);
    expect(fetches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(30 * DAY - 5 * MIN - 1);
    expect(fetches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => server.requests.length === 1, "the refresh before a 60-day exp");
  });

  test("cancel clears one account's plan; dispose clears all and stops later refreshes", async () => {
    refresher.scheduleRefresh("a", Date.now() + 10 * MIN);
    refresher.scheduleRefresh("b", Date.now() + 10 * MIN);
    refresher.scheduleRefresh("c", Date.now() + 10 * MIN);
    expect(vi.getTimerCount()).toBe(3);
    refresher.cancel("a");
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(5 * MIN);
    await until(() => server.requests.length === 2, "b and c");
    expect(fetches.map((b) => JSON.parse(b).who).sort()).toEqual(["b", "c"]);
    const replanned = Date.now() + 55 * MIN;
    await until(() => plannedAt("b", replanned) && plannedAt("c", replanned), "b and c re-planned");
    refresher.dispose();
    await vi.advanceTimersByTimeAsync(2 * 60 * MIN);
    expect(server.requests).toHaveLength(2);
    expect(await refresher.refresh("b", "after dispose")).toMatchObject({ ok: false, code: "STOPPED" });
    await expect(stat(dir.join("m.b.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  test("a bad expiresAtMs is refused with a clear error", () => {
    expect(() => refresher.scheduleRefresh("p", Number.NaN)).toThrowError(
      /expiresAtMs must be a ms epoch number/,
    );
  });
});

test("planned refreshes do not keep a Node process alive (unref'd timers)", () => {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const script = `
    const { createTokenRefresher } = await import("@multi-openim/token-refresh");
    const r = createTokenRefresher({ tokenRefresh: { mode: "off" } });
    r.scheduleRefresh("a", Date.now() + 3_600_000);
    console.log("planned");`;
  const started = performance.now();
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
    timeout: 20_000,
  });
  expect(out.trim()).toBe("planned");
  // The child would wait an hour if the timer held it; the 20 s kill above would then fail this test.
  expect(performance.now() - started).toBeLessThan(20_000);
});
