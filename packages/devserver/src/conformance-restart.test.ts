import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { CbEvents, loginClient, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

describe("real SDK: server restart", () => {
  test("restart keeps ports and state; the SDK reconnects by itself, with its old token, and gets what it missed", async () => {
    server = await startDevServer();
    const { wsAddr, apiAddr } = server;
    const bot = await loginClient(server, "bot");
    server.sendAs("alice", "user:bot", "before restart");
    await bot.waitMessages((m) => m.sendID === "alice");
    const t0 = Date.now();
    await server.restart();
    expect(server.counters.connections).toBe(0);
    server.sendAs("alice", "user:bot", "while away");
    await bot.waitEvent(CbEvents.OnConnectSuccess, 15_000, t0);
    const [missed] = await bot.waitMessages((m) => m.textElem?.content === "while away", 1, 5000);
    expect(missed.seq).toBe(2);
    expect(server.wsAddr).toBe(wsAddr);
    expect(server.apiAddr).toBe(apiAddr);
    expect(server.counters.connections).toBe(1);
    // Live delivery works again on the new socket.
    server.sendAs("alice", "user:bot", "after reconnect");
    await bot.waitMessages((m) => m.textElem?.content === "after reconnect", 1, 5000);
    expect(bot.received.filter((m) => m.sendID === "alice").map((m) => m.seq)).toEqual([1, 2, 3]);
  }, 25_000);
});
