import { describe, expect, test } from "vitest";
import { resolveAccounts } from "./accounts.js";
import { fakeJwt } from "./test-jwt.js";
import { validateChannelConfig } from "./validate.js";

const addr = { wsAddr: "ws://127.0.0.1:10001", apiAddr: "http://127.0.0.1:10002" };
const resolve = (accounts: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const { config, errors } = validateChannelConfig({ ...extra, accounts });
  expect(errors).toEqual([]);
  return resolveAccounts(config!);
};

describe("resolveAccounts", () => {
  test("derives userID, platformID and expiry from the JWT claims", () => {
    const token = fakeJwt({ UserID: "bot-1", PlatformID: 3, exp: 2_000_000_000, iat: 1 });
    const { accounts, skipped } = resolve({ primary: { token, ...addr } });
    expect(skipped).toEqual([]);
    expect(accounts).toEqual([
      expect.objectContaining({
        accountId: "primary",
        userID: "bot-1",
        platformID: 3,
        tokenExpiresAt: 2_000_000_000_000,
        disableFriendSdk: true,
      }),
    ]);
  });

  test("explicit userID/platformID win over claims; platformID defaults to 5", () => {
    const token = fakeJwt({ UserID: "from-claim", PlatformID: 3 });
    const [a] = resolve({ a: { token, ...addr, userID: "explicit", platformID: 9 } }).accounts;
    expect(a).toMatchObject({ userID: "explicit", platformID: 9 });
    const [b] = resolve({ b: { token: fakeJwt({ UserID: "u" }), ...addr } }).accounts;
    expect(b).toMatchObject({ userID: "u", platformID: 5 });
    expect(b!.tokenExpiresAt).toBeUndefined();
  });

  // SCHEMA.md failure-mode table: each row skips the account, the others continue.
  test.each([
    [{ ...addr }, /missing token/],
    [{ token: fakeJwt({ UserID: "u" }), apiAddr: addr.apiAddr }, /missing wsAddr/],
    [{ token: fakeJwt({ UserID: "u" }), wsAddr: addr.wsAddr }, /missing apiAddr/],
    [{ token: fakeJwt({ PlatformID: 5 }), ...addr }, /no userID/],
    [{ token: "not-a-jwt", ...addr }, /not a valid JWT/],
    [
      { token: fakeJwt({ UserID: "u" }), wsAddr: "http://x", apiAddr: addr.apiAddr },
      /wsAddr must start with ws:/,
    ],
    [{ token: fakeJwt({ UserID: "u" }), ...addr, enabled: false }, /disabled/],
  ])("skips %j with a reason and keeps the others", (bad, reason) => {
    const good = { token: fakeJwt({ UserID: "ok" }), ...addr };
    const { accounts, skipped } = resolve({ good, bad });
    expect(accounts.map((a) => a.accountId)).toEqual(["good"]);
    expect(skipped).toEqual([{ accountId: "bad", reason: expect.stringMatching(reason) }]);
  });

  test("a non-JWT token still runs when userID is given", () => {
    const { accounts } = resolve({ a: { token: "opaque", ...addr, userID: "u" } });
    expect(accounts[0]).toMatchObject({ userID: "u", platformID: 5 });
  });

  test("a skip reason never contains the token", () => {
    const token = fakeJwt({ PlatformID: 5, secret: "x" });
    const { skipped } = resolve({ a: { token, ...addr } });
    expect(JSON.stringify(skipped)).not.toContain(token);
  });

  test("per-account disableFriendSdk overrides the channel", () => {
    const token = fakeJwt({ UserID: "u" });
    const { accounts } = resolve(
      { a: { token, ...addr, disableFriendSdk: false }, b: { token, ...addr } },
      { disableFriendSdk: true },
    );
    expect(accounts.map((a) => a.disableFriendSdk)).toEqual([false, true]);
  });
});
