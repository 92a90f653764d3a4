import { describe, expect, test } from "vitest";
import { signJwt, verifyJwt } from "./jwt.js";
import { TokenRegistry } from "./tokens.js";

const now = () => Math.floor(Date.now() / 1000);

describe("tokens", () => {
  test("signed HS256 with the OpenIM claims; verification checks signature and time", () => {
    const token = signJwt({ UserID: "u", PlatformID: 5, exp: now() + 60, nbf: now(), iat: now() }, "k");
    const [head, body] = token.split(".");
    expect(JSON.parse(Buffer.from(head!, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    expect(JSON.parse(Buffer.from(body!, "base64url").toString())).toMatchObject({
      UserID: "u",
      PlatformID: 5,
    });
    expect(verifyJwt(token, "k").ok).toBe(true);
    expect(verifyJwt(token, "other")).toEqual({ ok: false, reason: "signature" });
    expect(
      verifyJwt(
        signJwt({ UserID: "u", PlatformID: 5, exp: now() - 1, nbf: now() - 9, iat: now() - 9 }, "k"),
        "k",
      ),
    ).toEqual({ ok: false, reason: "expired" });
    expect(
      verifyJwt(
        signJwt({ UserID: "u", PlatformID: 5, exp: now() + 99, nbf: now() + 60, iat: now() }, "k"),
        "k",
      ),
    ).toEqual({ ok: false, reason: "not-yet-valid" });
    expect(verifyJwt("a.b", "k")).toEqual({ ok: false, reason: "malformed" });
  });

  test("registry: 1501 expired, 1502 invalid, 1506 kicked, 1507 unknown; re-minting revives, per platform", () => {
    const reg = new TokenRegistry("k");
    const { token } = reg.mint("u", { platformID: 5 });
    const other = reg.mint("u", { platformID: 2 }).token;
    expect(reg.check(token).ok).toBe(true);
    expect(
      reg.check(signJwt({ UserID: "u", PlatformID: 5, exp: now() + 60, nbf: now(), iat: now() + 1 }, "k")),
    ).toMatchObject({ errCode: 1507 });
    expect(reg.check(reg.mint("u", { expiresInSec: -5 }).token)).toMatchObject({ errCode: 1501 });
    expect(reg.mark("u", "kicked", { platformID: 5 })).toBeGreaterThan(0);
    expect(reg.check(token)).toMatchObject({ errCode: 1506 });
    expect(reg.check(other).ok).toBe(true);
    reg.mark("u", "invalid", { token: other });
    expect(reg.check(other)).toMatchObject({ errCode: 1502 });
    reg.mark("u", "expired", { platformID: 2 });
    expect(reg.check(other)).toMatchObject({ errCode: 1501 });
    // Re-minting gives a new string, even within one second, and it is valid.
    const again = reg.mint("u", { platformID: 5 }).token;
    expect(again).not.toBe(token);
    expect(reg.check(again).ok).toBe(true);
  });
});
