import { decodeJwt } from "jose";
import { MultiOpenimError } from "./errors.js";

/** The claims an OpenIM token carries (the server checks them; the SDK never reads them). */
export interface OpenImClaims {
  UserID?: string;
  PlatformID?: number;
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** Reads a JWT's claims without verifying its signature (only the OpenIM server holds the secret). */
export function decodeJwtClaims(token: string): OpenImClaims {
  try {
    return decodeJwt(token) as OpenImClaims;
  } catch (cause) {
    // jose's message never includes the token itself.
    const reason = cause instanceof Error ? cause.message : "not a JWT";
    throw new MultiOpenimError(
      "TOKEN_MALFORMED",
      `token is not a valid JWT (${reason}): paste the whole OpenIM token`,
      {
        cause,
      },
    );
  }
}

/** The token's expiry in ms since the epoch, or undefined when it has none or is not a JWT. */
export function tokenExpiresAt(token: string): number | undefined {
  try {
    const { exp } = decodeJwtClaims(token);
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
