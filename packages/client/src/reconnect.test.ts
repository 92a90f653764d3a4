import { expect, test } from "vitest";
import { resolveClientOptions } from "./options.js";
import { ReconnectPacer } from "./reconnect.js";
import { accountOn, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

test("the first retry is spread over the base window, later ones back off to the cap, success resets", () => {
  const values = [0, 0.5, 1, 1, 1, 1, 1, 1, 0.25];
  const pacer = new ReconnectPacer({ baseMs: 1000, capMs: 8000, jitter: () => values.shift() ?? 1 });
  expect(pacer.next()).toBe(0);
  expect(pacer.next()).toBe(750); // attempt 2: 1000 × (0.5 + 0.5 × 0.5)
  expect([pacer.next(), pacer.next(), pacer.next(), pacer.next()]).toEqual([2000, 4000, 8000, 8000]);
  pacer.reset();
  expect(pacer.next()).toBe(1000);
});

test("1,000 accounts dropped together do not retry in the same 100 ms", () => {
  const firsts = Array.from({ length: 1000 }, () =>
    new ReconnectPacer({ baseMs: 1000, capMs: 30_000 }).next(),
  );
  const perWindow = new Map<number, number>();
  for (const ms of firsts)
    perWindow.set(Math.floor(ms / 100), (perWindow.get(Math.floor(ms / 100)) ?? 0) + 1);
  // Uniform over 1 s: ~100 per 100 ms window; far from all 1,000 in one.
  expect(Math.max(...perWindow.values())).toBeLessThan(200);
  expect(perWindow.size).toBeGreaterThanOrEqual(10);
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
