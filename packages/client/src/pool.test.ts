import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { AccountPool } from "./pool.js";
import { accountOn, type DevServer, startDevServer, waitFor } from "./test-support.js";
import type { AccountStatus } from "./types.js";

const servers: DevServer[] = [];
const held: Socket[] = [];
// Accepts TCP and never answers the WebSocket handshake: the worst kind of bad account (it hangs).
const blackHole = createTcpServer((socket) => held.push(socket));

beforeAll(async () => {
  servers.push(...(await Promise.all([startDevServer(), startDevServer(), startDevServer()])));
  await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
  await Promise.all(servers.map((s) => s.close()));
});

test("20 accounts on 3 servers start concurrently; one hanging account delays none of the others; stop one by id", {
  timeout: 60_000,
}, async () => {
  const userOf = new Map<string, string>();
  const accounts = Array.from({ length: 19 }, (_, i) => {
    const server = servers[i % 3]!;
    userOf.set(`acc-${i}`, `u${i}`);
    return accountOn(server, `acc-${i}`, `u${i}`);
  });
  const bad = {
    ...accountOn(servers[0]!, "bad", "u-bad"),
    wsAddr: `ws://127.0.0.1:${(blackHole.address() as AddressInfo).port}`,
  };
  const connectedAt = new Map<string, number>();
  const pool = new AccountPool({
    // Nothing here needs a refresh; a refresh would mean a bug, and this one says so.
    tokenRefresher: {
      refresh: async () => ({
        ok: false,
        code: "REFRESH_DISABLED",
        message: "",
        markerPath: "",
        retryable: false,
      }),
    },
    loginTimeoutMs: 6000,
    tickMs: 200,
  });
  const order = [...accounts.slice(0, 10), bad, ...accounts.slice(10)];
  const started = Date.now();
  const running = pool.start(order);
  // Listen as soon as the clients exist (start() creates them synchronously).
  for (const id of pool.ids()) {
    pool.get(id)!.on("status", (s: AccountStatus) => {
      if (s.connected && !connectedAt.has(id)) connectedAt.set(id, Date.now());
    });
  }
  const result = await running;
  const badSettledAt = Date.now();
  try {
    expect(result.failed).toEqual([]);
    expect(result.started).toHaveLength(20);
    expect(result.started.filter((s) => s.connected)).toHaveLength(19);
    const badStatus = result.started.find((s) => s.accountId === "bad")!;
    expect(badStatus).toMatchObject({ connected: false, running: true });
    expect(badStatus.lastError).toContain("timed out");
    // Every good account was connected well before the hanging one gave up its first attempt.
    expect(connectedAt.size).toBe(19);
    expect(Math.max(...connectedAt.values())).toBeLessThan(badSettledAt - 2000);
    expect(badSettledAt - started).toBeGreaterThanOrEqual(6000);

    expect(pool.isConnected("acc-4")).toBe(true);
    expect(pool.isConnected("bad")).toBe(false);
    await pool.stop("acc-4");
    expect(pool.isConnected("acc-4")).toBe(false);
    expect(pool.get("acc-4")).toBeUndefined();
    servers[1]!.registerUser("peer");
    servers[1]!.sendAs("peer", "user:u1", "still here");
    const got: string[] = [];
    pool.get("acc-1")!.on("message", (m) => got.push(m.text));
    await waitFor(() => got.length === 1, 10_000, "message to a neighbour of the stopped account");
    expect(pool.statuses().filter((s) => s.connected)).toHaveLength(18);
    expect(() => pool.require("acc-4")).toThrow(/no account "acc-4"/);
    await expect(pool.startOne(accounts[0]!)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  } finally {
    await pool.stopAll();
  }
  expect(pool.ids()).toEqual([]);
});
