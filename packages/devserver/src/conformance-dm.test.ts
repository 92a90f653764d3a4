import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { CbEvents, loginClient, sendText, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

describe("real SDK: login and direct messages", () => {
  test("login fires OnConnectSuccess and sync finishes without unknown routes", async () => {
    server = await startDevServer();
    const bot = await loginClient(server, "bot");
    expect(bot.events.map((e) => e.event)).toContain(CbEvents.OnConnectSuccess);
    expect(bot.events.some((e) => e.event === CbEvents.OnSyncServerFailed)).toBe(false);
    expect(server.counters.logins).toBe(1);
    expect(server.counters.requests["/user/get_users_info"]).toBeGreaterThan(0);
    expect(server.unknownRoutes).toEqual([]);
  });

  test("a message sent with sendAs arrives via OnRecvNewMessages, and the bot's reply reaches the server", async () => {
    server = await startDevServer();
    server.registerUser("alice", { nickname: "Alice" });
    const bot = await loginClient(server, "bot");
    const sent = server.sendAs("alice", "user:bot", "hello bot");
    const [got] = await bot.waitMessages((m) => m.sendID === "alice");
    expect(got.textElem.content).toBe("hello bot");
    expect(got.clientMsgID).toBe(sent.clientMsgID);
    expect(got.seq).toBe(1);

    await sendText(bot, { recvID: "alice" }, "hi alice");
    const reply = await server.waitForMessage((m) => m.sendID === "bot" && m.recvID === "alice", 5000);
    expect(reply.text).toBe("hi alice");
    expect(reply.conversationID).toBe("si_alice_bot");
    expect(reply.seq).toBe(2);
    expect(server.messagesFor("alice").map((m) => m.text)).toEqual(["hello bot", "hi alice"]);
    // The echo of its own send is suppressed by the SDK (same operationID, pushed after the reply).
    await new Promise((r) => setTimeout(r, 300));
    expect(bot.received.filter((m) => m.sendID === "bot")).toEqual([]);
    expect(server.unknownRoutes).toEqual([]);
  });

  test("two SDK users talk both ways through the gateway", async () => {
    server = await startDevServer();
    const a = await loginClient(server, "ua");
    const b = await loginClient(server, "ub");
    await sendText(a, { recvID: "ub" }, "ping from a");
    const [atB] = await b.waitMessages((m) => m.sendID === "ua");
    expect(atB.textElem.content).toBe("ping from a");
    await sendText(b, { recvID: "ua" }, "pong from b");
    const [atA] = await a.waitMessages((m) => m.sendID === "ub");
    expect(atA.textElem.content).toBe("pong from b");
    expect(atA.seq).toBe(2);
    expect(server.unknownRoutes).toEqual([]);
  });
});
