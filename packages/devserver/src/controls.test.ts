import { afterEach, describe, expect, test } from "vitest";
import { isLoopback } from "./control-http.js";
import { isDevServerError } from "./errors.js";
import { type DevServer, startDevServer } from "./server.js";
import { loginClient, sendText, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

async function control(s: DevServer, name: string, body: unknown = {}) {
  const res = await fetch(`${s.apiAddr}/devserver/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { errCode: number; errMsg: string; data: Record<string, unknown> },
  };
}

describe("controls", () => {
  test("unknown REST routes are answered with an OpenIM-style error and recorded", async () => {
    server = await startDevServer();
    const token = server.mintToken("bot");
    const res = await fetch(`${server.apiAddr}/friend/add_friend`, {
      method: "POST",
      headers: { token, operationID: "x" },
      body: "{}",
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errCode: number }).errCode).toBe(404);
    expect(server.unknownRoutes).toEqual(["/friend/add_friend"]);
  });

  test("failNext fails one REST call and one WS send with the given errCode, then works again", async () => {
    server = await startDevServer();
    server.registerUser("alice");
    const bot = await loginClient(server, "bot");
    server.failNext("/user/get_users_info", 1004);
    const failed = await bot.sdk.getUsersInfo(["alice"]).catch((e: unknown) => e);
    // The SDK turns every REST error into 10006 with the server's message: the code is lost on the way.
    expect(failed).toMatchObject({ errCode: 10006 });
    expect((failed as { errMsg: string }).errMsg).toContain("failNext");
    expect((await bot.sdk.getUsersInfo(["alice"])).data[0].userID).toBe("alice");

    server.failNext("ws:1003", 1302);
    const sendFailed = await sendText(bot, { recvID: "alice" }, "nope").catch((e: unknown) => e);
    expect(sendFailed).toMatchObject({ errCode: 1302 });
    await sendText(bot, { recvID: "alice" }, "yes");
    expect(server.messagesFor("alice").map((m) => m.text)).toEqual(["yes"]);
  });

  test("setLatency delays REST answers", async () => {
    server = await startDevServer();
    const token = server.mintToken("bot");
    server.setLatency(300);
    const t0 = Date.now();
    await fetch(`${server.apiAddr}/user/get_users_info`, {
      method: "POST",
      headers: { token, operationID: "x" },
      body: JSON.stringify({ userIDs: ["bot"] }),
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  test("bad control input throws a DevServerError naming the field, and changes nothing", async () => {
    server = await startDevServer();
    const s = server;
    for (const call of [
      () => s.sendAs("alice", "bob", "x"),
      () => s.createGroup("g", []),
      () => s.setLatency(-1),
      () => s.mintToken("bot", { platformID: 0 }),
      () => s.createGroup("g", ["ok", ""]),
      () => s.failNext("", 1),
      () => s.sendAs("a", "group:none", "x"),
    ]) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(isDevServerError(caught)).toBe(true);
      expect((caught as Error).message).toMatch(
        /^\[devserver\] (target|memberIDs|setLatency|failNext|platformID)/,
      );
    }
    expect(s.messagesFor("alice")).toEqual([]);
    await expect(s.waitForMessage(() => true, 50)).rejects.toMatchObject({ code: "DEVSERVER_TIMEOUT" });
    const pending = expect(s.waitForMessage(() => true, 10_000)).rejects.toMatchObject({
      code: "DEVSERVER_CLOSED",
    });
    await s.close();
    await pending;
    await expect(s.restart()).rejects.toMatchObject({ code: "DEVSERVER_CLOSED" });
  });

  test("the HTTP control endpoint drives the same controls", async () => {
    server = await startDevServer();
    const minted = await control(server, "mintToken", { userID: "bot", platformID: 5 });
    expect(minted.body.errCode).toBe(0);
    const bot = await loginClient(server, "bot", { token: minted.body.data.token as string });
    expect(
      (await control(server, "createGroup", { groupID: "g1", memberIDs: ["alice", "bot"] })).body.errCode,
    ).toBe(0);
    const waiting = control(server, "waitForMessage", {
      match: { sendID: "bot", groupID: "g1" },
      timeoutMs: 5000,
    });
    expect(
      (
        await control(server, "sendAs", {
          userID: "alice",
          target: "group:g1",
          content: { text: "hi @bot", atUserIDs: ["bot"] },
        })
      ).body.errCode,
    ).toBe(0);
    const [got] = await bot.waitMessages((m) => m.sendID === "alice");
    expect(got.atTextElem.atUserList).toEqual(["bot"]);
    await sendText(bot, { groupID: "g1" }, "answer");
    expect((await waiting).body.data.text).toBe("answer");
    const counters = await control(server, "counters");
    expect((counters.body.data.requests as Record<string, number>)["ws:1003"]).toBe(1);
    const bad = await control(server, "sendAs", { userID: "alice", target: "nowhere", content: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body.errMsg).toContain("target");
    expect((await control(server, "noSuchControl")).status).toBe(404);
    expect((await control(server, "messagesFor", { userID: "alice" })).body.data).toHaveLength(2);
  });
  test("pollMessagesFor answers a user's messages from a cursor, waits for new ones, and counts HTTP calls", async () => {
    server = await startDevServer();
    const s = server;
    s.createGroup("g", ["alice", "bob"]);
    s.sendAs("bob", "user:alice", "one");
    s.sendAs("carol", "user:dave", "not alice's");
    const first = await s.pollMessagesFor("alice");
    expect(first.messages.map((m) => m.text)).toEqual(["one"]);
    expect(first.next).toBe(2);
    // Nothing new: at once with timeoutMs 0, after the timeout otherwise, the cursor unchanged.
    expect(await s.pollMessagesFor("alice", { after: first.next })).toEqual({ messages: [], next: 2 });
    expect(await s.pollMessagesFor("alice", { after: 2, timeoutMs: 50 })).toEqual({ messages: [], next: 2 });
    const waiting = control(s, "pollMessagesFor", { userID: "alice", after: 2, timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    s.sendAs("bob", "group:g", "two");
    const woke = (await waiting).body.data as { messages: { text: string }[]; next: number };
    expect(woke.messages.map((m) => m.text)).toEqual(["two"]);
    expect(woke.next).toBe(3);
    expect(s.counters.requests["/devserver/pollMessagesFor"]).toBe(1);
    for (const options of [{ after: -1 }, { after: 1.5 }, { timeoutMs: 60_001 }]) {
      await expect(s.pollMessagesFor("alice", options)).rejects.toMatchObject({
        code: "DEVSERVER_BAD_INPUT",
      });
    }
    await expect(s.pollMessagesFor("")).rejects.toThrow(/pollMessagesFor: userID/);
    const pending = expect(s.pollMessagesFor("alice", { after: 3, timeoutMs: 10_000 })).rejects.toMatchObject(
      {
        code: "DEVSERVER_CLOSED",
      },
    );
    await s.close();
    await pending;
  });

  test("the control endpoint accepts loopback callers only", () => {
    expect(["127.0.0.1", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["10.0.0.2", "::ffff:192.168.1.5", "fe80::1", undefined].some(isLoopback)).toBe(false);
  });
});
