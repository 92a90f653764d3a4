import { expect, test } from "vitest";
import { fakeJwt } from "./test-helpers.js";
import { describeExpiry, describeToken, maskToken } from "./token-info.js";

const now = Date.UTC(2026, 10, 25, 12, 0, 0);

test("a token shows as its first four characters and a marker", () => {
  expect(maskToken("eyJhbGciOiJIUzI1NiJ9.x.y")).toBe("eyJh…(redacted)");
});

test("who and when: user, platform and expiry from the claims, never the token", () => {
  const token = fakeJwt({ UserID: "alice", PlatformID: 2, exp: now / 1000 + 3 * 86400 + 3600 });
  const text = describeToken(token, now);
  expect(text).toBe("eyJh…(redacted): user alice, platform 2, expires 2026-11-28 13:00 UTC (in 3d 1h)");
  expect(text).not.toContain(token.slice(5));
});

test("expired, soon and missing expiries read plainly", () => {
  expect(describeExpiry(now - 90 * 60_000, now)).toBe("EXPIRED at 2026-11-25 10:30 UTC (1h 30m ago)");
  expect(describeExpiry(now + 5 * 60_000, now)).toBe("expires 2026-11-25 12:05 UTC (in 5m)");
  expect(describeExpiry(undefined, now)).toBe("no expiry claim");
});

test("a token that is not a JWT is a TOKEN_MALFORMED error that does not echo it", () => {
  expect(() => describeToken("secret-not-a-jwt")).toThrow(
    expect.objectContaining({ code: "TOKEN_MALFORMED" }),
  );
  try {
    describeToken("secret-not-a-jwt");
  } catch (error) {
    expect((error as Error).message).not.toContain("secret-not-a-jwt");
  }
});
