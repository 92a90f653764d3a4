import { decodeJwtClaims, type OpenImClaims } from "@multi-openim/core";

/** What is safe to show of a token: its first four characters (the JWT header prefix) and a marker. */
export function maskToken(token: string): string {
  return `${token.slice(0, 4)}…(redacted)`;
}

export interface TokenInfo {
  claims: OpenImClaims;
  userID?: string;
  platformID?: number;
  /** ms since the epoch */
  expiresAt?: number;
}

/** Decodes the claims we show and use; throws TOKEN_MALFORMED for anything that is not a JWT. */
export function inspectToken(token: string): TokenInfo {
  const claims = decodeJwtClaims(token);
  const info: TokenInfo = { claims };
  if (typeof claims.UserID === "string" && claims.UserID) info.userID = claims.UserID;
  if (typeof claims.PlatformID === "number") info.platformID = claims.PlatformID;
  if (typeof claims.exp === "number" && Number.isFinite(claims.exp)) info.expiresAt = claims.exp * 1000;
  return info;
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "expires 2026-12-01 10:00 UTC (in 5d 3h)" or "EXPIRED at … (2h ago)" or "no expiry". */
export function describeExpiry(expiresAt: number | undefined, now = Date.now()): string {
  if (expiresAt === undefined) return "no expiry claim";
  const when = new Date(expiresAt).toISOString().replace("T", " ").slice(0, 16);
  const left = expiresAt - now;
  return left > 0
    ? `expires ${when} UTC (in ${formatDuration(left)})`
    : `EXPIRED at ${when} UTC (${formatDuration(left)} ago)`;
}

export function describeToken(token: string, now = Date.now()): string {
  const info = inspectToken(token);
  const who = info.userID ? `user ${info.userID}` : "no UserID claim";
  const platform = info.platformID === undefined ? "" : `, platform ${info.platformID}`;
  return `${maskToken(token)}: ${who}${platform}, ${describeExpiry(info.expiresAt, now)}`;
}
