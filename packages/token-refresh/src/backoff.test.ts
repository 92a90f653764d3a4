import { readFile } from "node:fs/promises";
import { describe, expect, test, vi } from "vitest";
import { backoffDelay, resolveBackoff } from "./backoff.js";
import { createTokenRefresher } from "./refresher.js";
import { type AuthServer, captureLogger, until, useAuthFixtures } from "./test-fixtures.js";

let server: AuthServer | undefined;
const { dir, serve } = useAuthFixtures({ reset: () => vi.useRealTimers() });

describe("backoffDelay", () => {
  test("doubles from base, stops at the cap", () => {
    const opts = resolveBackoff({ baseMs: 1000, capMs: 5000, jitter: 0 });
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, opts))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  test("jitter takes up to its share off each delay", () => {
    const opts = resolveBackoff({ baseMs: 1000, capMs: 5000, jitter: 0.5 });
    expect(backoffDelay(2, opts, () => 0)).toBe(2000);
    expect(backoffDelay(2, opts, () => 0.5)).toBe(1500);
    expect(backoffDelay(2, opts, () => 0.999999)).toBe(1000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3, opts)));
    for (const d of spread) expect(d >= 2000 && d <= 4000).toBe(true);
    expect(spread.size).toBeGreaterThan(1);
  });
});

describe("retries inside one refresh", () => {
  test("transient failures wait the backoff (fake timers) before the next attempt", async () => {
    let answered = 0;
    server = await serve(() => {
      answered += 1;
      return answered < 3 ? { status: 503, body: "busy" } : { body: { token: "AFTER-RETRIES" } };
    });
    let fetches = 0;
    const { logger, lines } = captureLogger();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const refresher = createTokenRefresher({
      logger,
      backoff: { baseMs: 1000, capMs: 1500, jitter: 0.5, retries: 3 },
      random: () => 0.2,
      fetch: (...args) => {
        fetches += 1;
        return fetch(...args);
      },
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: { endpoint: `${server.url}/r`, responseTokenPath: "token" },
      },
    });
    const pending = refresher.refresh("p", "OnUserTokenExpired");

    // 1000 * (1 - 0.5 * 0.2) = 900 ms, then min(1500, 2000) * 0.9 = 1350 ms.
    await until(() => lines.some((l) => l.includes("retrying in 900 ms")), "first retry");
    await vi.advanceTimersByTimeAsync(899);
    expect(fetches).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => lines.some((l) => l.includes("retrying in 1350 ms")), "second retry");
    expect(fetches).toBe(2);
    await vi.advanceTimersByTimeAsync(1349);
    expect(fetches).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toEqual({ ok: true, token: "AFTER-RETRIES" });
    expect(fetches).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  test("a 401 is not retried; a 500 is retried up to `retries` times", async () => {
    let status = 401;
    server = await serve(() => ({ status, body: "x" }));
    const make = () =>
      createTokenRefresher({
        backoff: { baseMs: 1, capMs: 2, retries: 2 },
        tokenRefresh: {
          mode: "http",
          manualLoginMarkerPath: dir.join("m.json"),
          http: { endpoint: `${server?.url}/r`, responseTokenPath: "token" },
        },
      });
    expect(await make().refresh("a", "r")).toMatchObject({ ok: false, code: "REFRESH_HTTP_STATUS" });
    expect(server.requests).toHaveLength(1);
    status = 500;
    expect(await make().refresh("a", "r")).toMatchObject({ ok: false, code: "REFRESH_HTTP_STATUS" });
    expect(server.requests).toHaveLength(4);
  });
});

describe("the circuit", () => {
  test("opens after repeated failures, refuses calls (with a marker), half-opens, and resets on success", async () => {
    let ok = false;
    server = await serve(() => (ok ? { body: { token: "BACK" } } : { status: 500, body: "down" }));
    let t = Date.parse("2026-01-01T00:00:00Z");
    const refresher = createTokenRefresher({
      now: () => t,
      backoff: { retries: 0 },
      circuit: { failureThreshold: 2, openMs: 60_000 },
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: dir.join("m.json"),
        http: { endpoint: `${server.url}/r`, responseTokenPath: "token" },
      },
    });
    const markerFile = dir.join("m.c1.json");
    await refresher.refresh("c1", "r");
    await refresher.refresh("c1", "r");
    expect(server.requests).toHaveLength(2);

    const refused = await refresher.refresh("c1", "OnUserTokenExpired");
    expect(refused).toMatchObject({ ok: false, code: "REFRESH_CIRCUIT_OPEN", markerPath: markerFile });
    expect((refused as { message: string }).message).toContain("2026-01-01T00:01:00.000Z");
    expect(server.requests).toHaveLength(2);
    // The marker keeps the failure that opened the circuit (a refused call is not a new failure).
    const marker = JSON.parse(await readFile(markerFile, "utf8"));
    expect(marker.lastError.code).toBe("REFRESH_HTTP_STATUS");

    t += 60_000; // half-open: one trial goes out, fails, and the circuit re-opens for twice as long
    expect(await refresher.refresh("c1", "r")).toMatchObject({ code: "REFRESH_HTTP_STATUS" });
    expect(server.requests).toHaveLength(3);
    t += 60_000;
    expect(await refresher.refresh("c1", "r")).toMatchObject({ code: "REFRESH_CIRCUIT_OPEN" });
    expect(server.requests).toHaveLength(3);

    t += 60_000;
    ok = true;
    expect(await refresher.refresh("c1", "r")).toEqual({ ok: true, token: "BACK" });
    ok = false;
    // Reset: one failure alone does not open it again.
    await refresher.refresh("c1", "r");
    expect(await refresher.refresh("c1", "r")).toMatchObject({ code: "REFRESH_HTTP_STATUS" });
    expect(server.requests).toHaveLength(6);
    // Another account has its own circuit.
    expect(await refresher.refresh("c2", "r")).toMatchObject({ code: "REFRESH_HTTP_STATUS" });
  });
});
