import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { CbEvents, loginClient, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

async function post(s: DevServer, path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    operationID: `op-${Date.now()}`,
  };
  if (token) headers.token = token;
  const res = await fetch(`${s.apiAddr}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return (await res.json()) as { errCode: number; errMsg: string; data: Record<string, unknown> };
}

describe("admin routes", () => {
  test("secret → admin token → register + user token that logs the real SDK in; send_msg delivers; force_logout kicks", async () => {
    server = await startDevServer({ secret: "s3cret" });
    expect(
      (await post(server, "/auth/get_admin_token", { secret: "wrong", userID: "imAdmin" })).errCode,
    ).not.toBe(0);
    const admin = await post(server, "/auth/get_admin_token", { secret: "s3cret", userID: "imAdmin" });
    expect(admin.errCode).toBe(0);
    const adminToken = admin.data.token as string;
    expect(admin.data.expireTimeSeconds).toBeGreaterThan(0);

    expect(
      (await post(server, "/auth/get_user_token", { userID: "newbot", platformID: 5 }, adminToken)).errCode,
    ).toBe(1101);
    const reg = await post(
      server,
      "/user/user_register",
      {
        users: [
          { userID: "newbot", nickname: "New Bot" },
          { userID: "alice", nickname: "Alice" },
        ],
      },
      adminToken,
    );
    expect(reg.errCode).toBe(0);
    const user = await post(server, "/auth/get_user_token", { userID: "newbot", platformID: 5 }, adminToken);
    expect(user.errCode).toBe(0);
    // A user token is not an admin token.
    expect(
      (
        await post(
          server,
          "/auth/get_user_token",
          { userID: "alice", platformID: 5 },
          user.data.token as string,
        )
      ).errCode,
    ).toBe(1002);

    const bot = await loginClient(server, "newbot", { token: user.data.token as string });
    const sent = await post(
      server,
      "/msg/send_msg",
      {
        sendID: "alice",
        recvID: "newbot",
        sessionType: 1,
        contentType: 101,
        content: { content: "from the admin API" },
      },
      adminToken,
    );
    expect(sent.errCode).toBe(0);
    const [got] = await bot.waitMessages((m) => m.sendID === "alice");
    expect(got.textElem.content).toBe("from the admin API");
    expect(got.clientMsgID).toBe(sent.data.clientMsgID);
    expect(got.senderNickname).toBe("Alice");

    const t0 = Date.now();
    expect(
      (await post(server, "/auth/force_logout", { userID: "newbot", platformID: 5 }, adminToken)).errCode,
    ).toBe(0);
    await bot.waitEvent(CbEvents.OnKickedOffline, 3000, t0);
    expect(
      (await post(server, "/user/get_users_info", { userIDs: ["newbot"] }, user.data.token as string))
        .errCode,
    ).toBe(1506);
    expect(server.unknownRoutes).toEqual([]);
  });
});

describe("isolation", () => {
  test("two servers in one process with the same userIDs stay independent", async () => {
    server = await startDevServer();
    const other = await startDevServer();
    try {
      const botA = await loginClient(server, "bot");
      const botB = await loginClient(other, "bot");
      // Same default secret, but each server only honours the tokens it issued.
      const tokenA = server.mintToken("alice");
      const res = await post(other, "/user/get_users_info", { userIDs: ["alice"] }, tokenA);
      expect(res.errCode).toBe(1507);
      server.sendAs("alice", "user:bot", "only on A");
      other.sendAs("alice", "user:bot", "only on B");
      await botA.waitMessages((m) => m.sendID === "alice");
      await botB.waitMessages((m) => m.sendID === "alice");
      await new Promise((r) => setTimeout(r, 200));
      expect(botA.received.map((m) => m.textElem.content)).toEqual(["only on A"]);
      expect(botB.received.map((m) => m.textElem.content)).toEqual(["only on B"]);
      server.kick("bot");
      await botA.waitEvent(CbEvents.OnKickedOffline, 3000);
      expect(other.counters.connections).toBe(1);
      expect(botB.events.some((e) => e.event === CbEvents.OnKickedOffline)).toBe(false);
    } finally {
      await teardown(other);
    }
  });
});
