import { type AccessPolicy, resolveAccess } from "./access.js";
import { DEFAULT_PLATFORM_ID } from "./constants.js";
import { isMultiOpenimError } from "./errors.js";
import { decodeJwtClaims, type OpenImClaims } from "./jwt.js";
import type { ChannelConfig } from "./schema.js";

/** An account with everything needed to connect, ids derived from the token where omitted. */
export interface ResolvedAccount {
  accountId: string;
  enabled: true;
  token: string;
  wsAddr: string;
  apiAddr: string;
  userID: string;
  platformID: number;
  requireMention: boolean;
  inboundWhitelist: string[];
  disableFriendSdk: boolean;
  /**
   * Who may reach the agent (resolveAccounts always sets it). Accounts built by hand without it get the
   * seed's rules from requireMention / inboundWhitelist (see the plugin's admission).
   */
  access?: AccessPolicy;
  /** From the token's `exp`, for proactive refresh. */
  tokenExpiresAt?: number;
}

export interface SkippedAccount {
  accountId: string;
  reason: string;
}

export interface ResolvedAccounts {
  accounts: ResolvedAccount[];
  skipped: SkippedAccount[];
}

function urlProblem(value: string, protocols: string[], field: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value is not quoted: a token pasted into the wrong field would end up in logs.
    return `${field} is not a URL: use e.g. ${protocols[0]}//host:port`;
  }
  if (!protocols.includes(url.protocol)) {
    return `${field} must start with ${protocols.join(" or ")}//, got ${url.protocol}//`;
  }
  return null;
}

/** Turns the validated config into runnable accounts; one bad account is skipped with its reason, never thrown. */
export function resolveAccounts(config: ChannelConfig): ResolvedAccounts {
  const accounts: ResolvedAccount[] = [];
  const skipped: SkippedAccount[] = [];
  for (const [accountId, account] of Object.entries(config.accounts)) {
    const skip = (reason: string) => skipped.push({ accountId, reason });
    if (!account.enabled) {
      skip("disabled (enabled: false)");
      continue;
    }
    const missing = (["token", "wsAddr", "apiAddr"] as const).filter((f) => !account[f]?.trim());
    if (missing.length > 0) {
      skip(`missing ${missing.join(", ")}: set accounts.${accountId}.${missing[0]}`);
      continue;
    }
    const token = account.token!.trim();
    const wsAddr = account.wsAddr!.trim();
    const apiAddr = account.apiAddr!.trim();
    const badUrl =
      urlProblem(wsAddr, ["ws:", "wss:"], "wsAddr") ?? urlProblem(apiAddr, ["http:", "https:"], "apiAddr");
    if (badUrl) {
      skip(badUrl);
      continue;
    }
    let claims: OpenImClaims = {};
    try {
      claims = decodeJwtClaims(token);
    } catch (error) {
      // A token that is not a JWT can still work when userID is given; without it there is nothing to derive from.
      if (!account.userID) {
        skip(isMultiOpenimError(error) ? error.message : "token is not a valid JWT");
        continue;
      }
    }
    const userID =
      account.userID ?? (typeof claims.UserID === "string" && claims.UserID ? claims.UserID : undefined);
    if (!userID) {
      skip(`no userID: set accounts.${accountId}.userID or use a token with a UserID claim`);
      continue;
    }
    const claimPlatform = typeof claims.PlatformID === "number" ? claims.PlatformID : undefined;
    const resolved: ResolvedAccount = {
      accountId,
      enabled: true,
      token,
      wsAddr,
      apiAddr,
      userID,
      platformID: account.platformID ?? claimPlatform ?? DEFAULT_PLATFORM_ID,
      requireMention: account.requireMention ?? true,
      inboundWhitelist: account.inboundWhitelist,
      disableFriendSdk: account.disableFriendSdk ?? config.disableFriendSdk,
      access: resolveAccess(config, account),
    };
    if (typeof claims.exp === "number") resolved.tokenExpiresAt = claims.exp * 1000;
    accounts.push(resolved);
  }
  return { accounts, skipped };
}
