import { expect, test } from "vitest";
import { ManualClock } from "./clock.js";
import { resolveClientOptions } from "./options.js";
import { paceReconnects, ReconnectGate, type ReconnectGateOptions, ReconnectPacer } from "./reconnect.js";
import type { OpenImSdk } from "./sdk-loader.js";
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

/** A gate on a manual clock whose loop utilisation the test sets. */
function gateOn(load: { value: number }, options: Partial<ReconnectGateOptions> = {}) {
  const clock = new ManualClock(0);
  const gate = new ReconnectGate({
    ratePerSec: 100,
    burst: 20,
    maxUtilization: 0.5,
    minRatePerSec: 10,
    sampleMs: 25,
    clock,
    utilization: () => load.value,
    ...options,
  });
  const admittedAt: number[] = [];
  const request = (n: number, wanted?: () => boolean) => {
    for (let i = 0; i < n; i++) void gate.admit(wanted).then(() => admittedAt.push(clock.now()));
  };
  return { clock, gate, admittedAt, request };
}

const countPer = (times: number[], ms: number) => {
  const windows = new Map<number, number>();
  for (const t of times) windows.set(Math.floor(t / ms), (windows.get(Math.floor(t / ms)) ?? 0) + 1);
  return windows;
};

test("the gate on an idle loop: a burst goes at once, then the ceiling's rate; a lone later drop is not delayed", async () => {
  const { clock, gate, admittedAt, request } = gateOn({ value: 0 });
  // 1,000 accounts dropped by one restart, all of their retries firing at once.
  request(1000);
  await clock.advance(0);
  expect(admittedAt).toHaveLength(20); // the burst, at once
  await clock.advance(1000);
  expect(admittedAt.length).toBeGreaterThanOrEqual(110);
  expect(admittedAt.length).toBeLessThanOrEqual(121);
  await clock.advance(9000);
  expect(admittedAt).toHaveLength(1000);
  expect(gate.waiting).toBe(0);
  // After the burst, never more than the ceiling: ~10 per 100 ms (sampled every 25 ms, so 2–3 at a time).
  const later = admittedAt.filter((t) => t >= 100);
  expect(Math.max(...countPer(later, 100).values())).toBeLessThanOrEqual(11);
  expect(admittedAt.at(-1)!).toBeGreaterThan(9000);
  expect(admittedAt.at(-1)!).toBeLessThan(10_500);
  expect(clock.pending).toBe(0); // no sampling timer left once nobody waits
  // A minute later the bucket is full again: a single drop connects at once, no timer involved.
  await clock.advance(60_000);
  request(1);
  await clock.advance(0);
  expect(admittedAt.at(-1)).toBe(clock.now());
});

test("the gate on a busy loop admits at the floor's rate only, and at the ceiling's once the loop has room", async () => {
  const load = { value: 0.9 };
  const { clock, admittedAt, request } = gateOn(load);
  request(200);
  await clock.advance(2000);
  // Busy: one per 100 ms (the 10/s floor), not the burst.
  expect(admittedAt.length).toBeGreaterThanOrEqual(19);
  expect(admittedAt.length).toBeLessThanOrEqual(21);
  for (let i = 1; i < admittedAt.length; i++)
    expect(admittedAt[i]! - admittedAt[i - 1]!).toBeGreaterThanOrEqual(100);
  load.value = 0.3;
  const before = admittedAt.length;
  await clock.advance(1000);
  // The smoothed load falls under 0.5 within two samples; then up to 100/s (the bucket refilled meanwhile).
  expect(admittedAt.length - before).toBeGreaterThan(90);
  load.value = 0.8;
  await clock.advance(100); // two samples to lift the smoothed load over 0.5 again
  const atBusy = admittedAt.length;
  await clock.advance(1000);
  expect(admittedAt.length - atBusy).toBeLessThanOrEqual(11);
});

test("a retry no longer wanted (its instance retired) leaves the line without using a slot", async () => {
  const { clock, gate, admittedAt, request } = gateOn({ value: 0 }, { burst: 1, ratePerSec: 10 });
  request(1); // takes the only slot at once
  let retired = false;
  request(5, () => !retired);
  request(1);
  retired = true;
  await clock.advance(150);
  // The five retired ones were dropped: the next wanted retry gets the next slot, 100 ms after the first.
  expect(admittedAt).toEqual([0, 100]);
  expect(gate.waiting).toBe(0);
});

test("the SDK's retry waits in the gate's line when it fires, then connects, unless its instance was retired", async () => {
  const load = { value: 0.9 }; // busy: one admission per 100 ms
  const { clock, gate } = gateOn(load);
  const connects: string[] = [];
  const managers = ["a", "b", "c"].map((name) => ({
    reconnectInterval: 5000,
    connect: () => {
      connects.push(name);
      return Promise.resolve();
    },
  }));
  const inLine = new Map<string, boolean>();
  managers.forEach((manager, i) => {
    const name = ["a", "b", "c"][i]!;
    const pacer = new ReconnectPacer({ baseMs: 1000, capMs: 8000, jitter: () => 0.5, gate });
    paceReconnects({ wsManager: manager } as unknown as OpenImSdk, pacer, (waiting) =>
      inLine.set(name, waiting),
    );
    expect(manager.reconnectInterval).toBe(500); // the pacer's wait, not the SDK's fixed 5 s
  });
  // All three retries fire at once (as the SDK's timers would call connect()).
  for (const manager of managers) void manager.connect();
  await clock.advance(0);
  expect(connects).toEqual([]);
  expect([...inLine.values()]).toEqual([true, true, true]);
  // b's instance is retired while it waits (retireSdk replaces connect): it never connects.
  managers[1]!.connect = () => new Promise<void>(() => undefined);
  await clock.advance(250);
  expect(connects).toEqual(["a", "c"]);
  expect(inLine.get("a")).toBe(false);
  expect(gate.waiting).toBe(0);
});

test("a bad gate option is refused, naming the field", () => {
  const base = { ratePerSec: 100, burst: 20, maxUtilization: 0.5, minRatePerSec: 10, sampleMs: 25 };
  expect(() => new ReconnectGate({ ...base, maxUtilization: 0 })).toThrow(/maxUtilization must be in/);
  expect(() => new ReconnectGate({ ...base, minRatePerSec: 200 })).toThrow(/minRatePerSec must be/);
  expect(() => new ReconnectGate({ ...base, burst: 0 })).toThrow(/burst must be >= 1/);
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
