import { randomUUID } from "node:crypto";
import { signJwt, type TokenClaims, verifyJwt } from "./jwt.js";

/** OpenIM's token error codes, as the SDK maps them to events (1501 expired, 1506 kicked, the rest invalid). */
export const TokenErrCode = {
  Expired: 1501,
  Invalid: 1502,
  Malformed: 1503,
  NotValidYet: 1504,
  Unknown: 1505,
  Kicked: 1506,
  NotExist: 1507,
} as const;

type TokenState = "normal" | "kicked" | "expired" | "invalid";

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; errCode: number; errMsg: string };

export interface MintOptions {
  platformID?: number;
  expiresInSec?: number;
}

/** Default lifetime of a stock server's tokens (tokenPolicy.expire: 90 days). */
const DEFAULT_EXPIRES_SEC = 90 * 24 * 3600;

/**
 * Like the real server's token cache: every issued token has a state per user and platform, and a token that
 * is not in the cache (or kicked, or forced expired / invalid) is rejected even when its signature is good.
 */
export class TokenRegistry {
  private readonly byUser = new Map<string, Map<number, Map<string, TokenState>>>();

  constructor(private readonly secret: string) {}

  mint(userID: string, options: MintOptions = {}): { token: string; expireTimeSeconds: number } {
    const platformID = options.platformID ?? 5;
    const expiresInSec = options.expiresInSec ?? DEFAULT_EXPIRES_SEC;
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      UserID: userID,
      PlatformID: platformID,
      exp: now + expiresInSec,
      nbf: now,
      iat: now,
      // A fresh string on every call: with second-resolution claims alone, two mints in one second were
      // the same token, and tests needed distinct lifetimes to tell a refreshed token from the old one.
      jti: randomUUID(),
    };
    const token = signJwt(claims, this.secret);
    const tokens = this.platform(userID, platformID);
    // Real CreateToken drops the platform's non-normal tokens, so a re-issued identical string is valid again.
    for (const [t, state] of tokens) if (state !== "normal") tokens.delete(t);
    tokens.set(token, "normal");
    return { token, expireTimeSeconds: expiresInSec };
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, errCode: TokenErrCode.NotExist, errMsg: "token is empty" };
    const jwt = verifyJwt(token, this.secret);
    if (!jwt.ok) {
      const map = {
        malformed: [TokenErrCode.Malformed, "token malformed"],
        signature: [TokenErrCode.Invalid, "token signature invalid"],
        expired: [TokenErrCode.Expired, "token expired"],
        "not-yet-valid": [TokenErrCode.NotValidYet, "token not valid yet"],
      } as const;
      const [errCode, errMsg] = map[jwt.reason];
      return { ok: false, errCode, errMsg };
    }
    const state = this.byUser.get(jwt.claims.UserID)?.get(jwt.claims.PlatformID)?.get(token);
    if (state === undefined) return { ok: false, errCode: TokenErrCode.NotExist, errMsg: "token not exist" };
    if (state === "kicked") return { ok: false, errCode: TokenErrCode.Kicked, errMsg: "token kicked" };
    if (state === "expired") return { ok: false, errCode: TokenErrCode.Expired, errMsg: "token expired" };
    if (state === "invalid") return { ok: false, errCode: TokenErrCode.Invalid, errMsg: "token invalid" };
    return { ok: true, claims: jwt.claims };
  }

  /** Sets the state of a user's tokens (all platforms, one platform, or one token string); returns how many. */
  mark(
    userID: string,
    state: Exclude<TokenState, "normal">,
    filter: { platformID?: number; token?: string } = {},
  ): number {
    let count = 0;
    for (const [platformID, tokens] of this.byUser.get(userID) ?? []) {
      if (filter.platformID !== undefined && filter.platformID !== platformID) continue;
      for (const token of tokens.keys()) {
        if (filter.token !== undefined && filter.token !== token) continue;
        tokens.set(token, state);
        count++;
      }
    }
    return count;
  }

  private platform(userID: string, platformID: number): Map<string, TokenState> {
    const platforms = this.byUser.get(userID) ?? new Map<number, Map<string, TokenState>>();
    this.byUser.set(userID, platforms);
    const tokens = platforms.get(platformID) ?? new Map<string, TokenState>();
    platforms.set(platformID, tokens);
    return tokens;
  }
}
