import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { CbEvents, loginClient, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

async function rest(s: DevServer, path: string, token: string, body: unknown = {}) {
  const res = await fetch(`${s.apiAddr}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", token, operationID: "op-test" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { errCode: number; errMsg: string; data?: Record<string, unknown> };
}

describe("real SDK: token controls", () => {
  test("kick sends 2002: OnKickedOffline at once, the kicked token stays rejected, a re-minted one works", async () => {
    server = await startDevServer();
    const token = server.mintToken("bot");
    const bot = await loginClient(server, "bot", { token });
    expect(server.kick("bot")).toBe(1);
    await bot.waitEvent(CbEvents.OnKickedOffline, 3000);
    expect((await rest(server, "/user/get_users_info", token, { userIDs: ["bot"] })).errCode).toBe(1506);
    // A re-minted token (a new string, even within the same second) works.
    const again = server.mintToken("bot");
    expect((await rest(server, "/user/get_users_info", again, { userIDs: ["bot"] })).errCode).toBe(0);
    const fresh = await loginClient(server, "bot", { token: again });
    expect(fresh.events.some((e) => e.event === CbEvents.OnConnectSuccess)).toBe(true);
  });

  test("expire and invalidate drop the socket; the SDK reconnects and reports OnUserTokenExpired / OnUserTokenInvalid", async () => {
    server = await startDevServer();
    const a = await loginClient(server, "ua");
    const b = await loginClient(server, "ub");
    const t0 = Date.now();
    expect(server.expireToken("ua")).toBe(1);
    expect(server.invalidateToken("ub")).toBe(1);
    const [expired, invalid] = await Promise.all([
      a.waitEvent(CbEvents.OnUserTokenExpired, 15_000, t0),
      b.waitEvent(CbEvents.OnUserTokenInvalid, 15_000, t0),
    ]);
    expect(expired.errCode).toBe(1501);
    expect(invalid.errCode).toBe(1502);
    expect(server.counters.rejectedConnects).toBeGreaterThanOrEqual(2);
  }, 25_000);

  test("REST calls check the token: forged, unknown and malformed tokens get 1502-1507", async () => {
    server = await startDevServer();
    const other = await startDevServer({ secret: "another-secret" });
    try {
      const forged = other.mintToken("bot");
      server.registerUser("bot");
      expect((await rest(server, "/user/get_users_info", forged)).errCode).toBe(1502);
      expect((await rest(server, "/user/get_users_info", "not-a-jwt")).errCode).toBe(1503);
      expect((await rest(server, "/user/get_users_info", "")).errCode).toBe(1507);
    } finally {
      await other.close();
    }
  });
});
