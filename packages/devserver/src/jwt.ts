import { createHmac, timingSafeEqual } from "node:crypto";

/** The claims a stock OpenIM server puts in its HS256 tokens. */
export interface TokenClaims {
  UserID: string;
  PlatformID: number;
  exp: number;
  nbf: number;
  iat: number;
  /** Unique per minted token (a real server's claims have second resolution; see TokenRegistry.mint). */
  jti?: string;
}

export type JwtCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: "malformed" | "signature" | "expired" | "not-yet-valid" };

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

function sign(input: string, secret: string): string {
  return createHmac("sha256", secret).update(input).digest("base64url");
}

/** Signs claims as the real server does (node:crypto HMAC; no JWT library needed for HS256). */
export function signJwt(claims: TokenClaims, secret: string): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${sign(`${head}.${body}`, secret)}`;
}

/** Verifies signature and time claims; the token registry decides kicked / unknown afterwards. */
export function verifyJwt(token: string, secret: string, nowSec = Math.floor(Date.now() / 1000)): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [head, body, sig] = parts as [string, string, string];
  let claims: TokenClaims;
  try {
    const header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as { alg?: string };
    if (header.alg !== "HS256") return { ok: false, reason: "malformed" };
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenClaims;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims?.UserID !== "string" || typeof claims.PlatformID !== "number")
    return { ok: false, reason: "malformed" };
  const want = Buffer.from(sign(`${head}.${body}`, secret));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: "signature" };
  if (typeof claims.exp === "number" && claims.exp <= nowSec) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf > nowSec + 1)
    return { ok: false, reason: "not-yet-valid" };
  return { ok: true, claims };
}
