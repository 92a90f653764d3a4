import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { CbEvents, loginClient, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

describe("real SDK: drops and catch-up", () => {
  test("after a drop the SDK reconnects by itself; missed messages come by seq pull, capped at the newest 10 like a real server; history fetches the rest", async () => {
    server = await startDevServer();
    server.createGroup("g1", ["alice", "bot"]);
    const bot = await loginClient(server, "bot");
    const t0 = Date.now();
    expect(server.dropConnections("bot")).toBe(1);
    for (let i = 1; i <= 12; i++) server.sendAs("alice", "user:bot", `dm ${i}`);
    server.sendAs("alice", "group:g1", "group 1");
    server.sendAs("alice", "group:g1", "group 2");
    await bot.waitEvent(CbEvents.OnConnectSuccess, 15_000, t0);
    // The re-sync (versioned group member sync included) must finish, not fail.
    await bot.waitEvent(CbEvents.OnSyncServerFinish, 5000, t0 + 1);
    expect(bot.events.some((e) => e.event === CbEvents.OnSyncServerFailed)).toBe(false);
    const group = await bot.waitMessages((m) => m.groupID === "g1", 2, 5000);
    expect(group.map((m) => m.textElem.content)).toEqual(["group 1", "group 2"]);
    const dms = await bot.waitMessages((m) => m.sendID === "alice" && !m.groupID, 10, 5000);
    // 1002 asks num=10 and the server answers the newest 10 of the range: seqs 1 and 2 are not pushed.
    expect(dms.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(server.counters.requests["ws:1002"]).toBeGreaterThanOrEqual(1);

    // A lossless client pages history (1005 pulls by seq) to fill the gap.
    const { data } = await bot.sdk.getAdvancedHistoryMessageList({
      conversationID: "si_alice_bot",
      count: 20,
      startClientMsgID: "",
    });
    expect(data.messageList.map((m: { textElem: { content: string } }) => m.textElem.content)).toEqual(
      Array.from({ length: 12 }, (_, i) => `dm ${i + 1}`),
    );
    expect(data.isEnd).toBe(true);
    expect(server.counters.requests["ws:1005"]).toBeGreaterThanOrEqual(1);
    expect(server.counters.logins).toBe(2);
    expect(server.unknownRoutes).toEqual([]);
  }, 25_000);
});
