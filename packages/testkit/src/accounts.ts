import type { ResolvedAccount } from "@multi-openim/core";
import type { DevServer } from "@multi-openim/devserver";

/** A token for `userID` (the devserver mints a new string on every call). */
export function freshToken(server: DevServer, userID: string, lifetimeSec = 86_400): string {
  return server.mintToken(userID, { expiresInSec: lifetimeSec });
}

/**
 * The account fixture, written once: registers `userID` on `server` and returns a resolved account for
 * it (the shape core's resolveAccounts returns), with a fresh token unless one is given.
 */
export function accountOn(
  server: DevServer,
  accountId: string,
  userID: string = accountId,
  options: { expiresInSec?: number; token?: string } = {},
): ResolvedAccount {
  server.registerUser(userID, { nickname: userID });
  const token =
    options.token ??
    server.mintToken(userID, options.expiresInSec ? { expiresInSec: options.expiresInSec } : {});
  return {
    accountId,
    enabled: true,
    token,
    wsAddr: server.wsAddr,
    apiAddr: server.apiAddr,
    userID,
    platformID: 5,
    requireMention: true,
    inboundWhitelist: [],
    disableFriendSdk: true,
  };
}

/**
 * The channel block of an OpenClaw config for these accounts, as a user would write it. DMs are open:
 * the benchmarks count answers, and the default (pairing) answers a new human with a pairing code.
 */
export function channelConfig(
  accounts: Record<string, { token: string; wsAddr: string; apiAddr: string }>,
  tokenRefresh: Record<string, unknown> = { mode: "off" },
  extra: Record<string, unknown> = {},
) {
  return { channels: { "multi-openim": { dmPolicy: "open", tokenRefresh, accounts, ...extra } } };
}
