import { expect, test } from "vitest";
import { resolveClientOptions } from "./options.js";
import { ReconnectGate, ReconnectPacer } from "./reconnect.js";
import { accountOn, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

test("the first retry is spread over the base window, later ones back off to the cap, success resets", () => {
  const values = [0, 0.5, 1, 1, 1, 1, 1, 1, 0.25];
  const pacer = new ReconnectPacer({
    baseMs: 1000,
    capMs: 8000,
    jitter: () => values.shift() ?? 1,
    gate: null,
  });
  expect(pacer.next()).toBe(0);
  expect(pacer.next()).toBe(750); // attempt 2: 1000 × (0.5 + 0.5 × 0.5)
  expect([pacer.next(), pacer.next(), pacer.next(), pacer.next()]).toEqual([2000, 4000, 8000, 8000]);
  pacer.reset();
  expect(pacer.next()).toBe(1000);
});

test("1,000 accounts dropped together do not retry in the same 100 ms", () => {
  const firsts = Array.from({ length: 1000 }, () =>
    new ReconnectPacer({ baseMs: 1000, capMs: 30_000, gate: null }).next(),
  );
  const perWindow = new Map<number, number>();
  for (const ms of firsts)
    perWindow.set(Math.floor(ms / 100), (perWindow.get(Math.floor(ms / 100)) ?? 0) + 1);
  // Uniform over 1 s: ~100 per 100 ms window; far from all 1,000 in one.
  expect(Math.max(...perWindow.values())).toBeLessThan(200);
  expect(perWindow.size).toBeGreaterThanOrEqual(10);
});

test("the process-wide gate: a burst goes at once, then the rate; a lone later drop is not delayed", () => {
  let now = 0;
  const gate = new ReconnectGate({ ratePerSec: 100, burst: 20 }, () => now);
  // 1,000 accounts dropped by one restart, each wanting its jittered retry within 1 s.
  const waits = Array.from({ length: 1000 }, (_, i) =>
    new ReconnectPacer({ baseMs: 1000, capMs: 30_000, jitter: () => i / 1000, gate }).next(),
  );
  expect(waits.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i)); // the burst, as wanted
  const sorted = [...waits].sort((a, b) => a - b);
  // Never two within less than the rate's 10 ms after the burst: spread over ~10 s, not 1 s.
  for (let i = 22; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(9);
  expect(sorted.at(-1)!).toBeGreaterThan(9000);
  expect(sorted.at(-1)!).toBeLessThan(11_000);
  // A minute later the bucket is full again: a single drop retries as soon as its own pacing says.
  now = 60_000;
  expect(gate.delay(0)).toBe(0);
  expect(gate.delay(300)).toBe(300);
});

test("a bad reconnect option is refused, naming the field", () => {
  const tokenRefresher = {
    refresh: async () => ({
      ok: false as const,
      code: "REFRESH_DISABLED" as const,
      message: "",
      markerPath: "",
      retryable: false,
    }),
  };
  expect(() => resolveClientOptions({ tokenRefresher, reconnect: { baseMs: -1 } })).toThrow(
    /options\.reconnect\.baseMs must be a number of ms >= 0, got -1/,
  );
});

test("a dropped connection comes back without the SDK's fixed 5 s wait", { timeout: 30_000 }, async () => {
  const server = await startDevServer();
  try {
    const account = accountOn(server, "bot-quick", "bot-quick");
    const h = harness(account, {
      tokenRefresher: devRefresher(server, () => "bot-quick"),
      reconnect: { baseMs: 200, capMs: 1000 },
    });
    await h.client.start();
    try {
      for (let round = 1; round <= 3; round++) {
        server.dropConnections("bot-quick");
        // The SDK alone retries after a fixed 5 s; paced, the first retry comes within 200 ms.
        await waitFor(() => h.client.status().reconnects === round, 4000, `reconnect ${round}`);
        expect(h.client.status().connected).toBe(true);
      }
    } finally {
      await h.client.stop();
    }
  } finally {
    await server.close();
  }
});
