import type { ResolvedAccount } from "@multi-openim/core";
import type { DevServer } from "@multi-openim/devserver";

let minted = 0;

/**
 * A token for `userID` that differs from every earlier one: the server's claims have second
 * resolution, so two tokens minted in one second would be the same string without a distinct lifetime.
 */
export function freshToken(server: DevServer, userID: string, lifetimeSec = 86_400): string {
  minted += 1;
  return server.mintToken(userID, { expiresInSec: lifetimeSec + minted });
}

/** A resolved account for a bot on `server` (the shape core's resolveAccounts returns). */
export function botAccount(server: DevServer, userID: string, accountId = userID): ResolvedAccount {
  server.registerUser(userID, { nickname: userID });
  return {
    accountId,
    enabled: true,
    token: freshToken(server, userID),
    wsAddr: server.wsAddr,
    apiAddr: server.apiAddr,
    userID,
    platformID: 5,
    requireMention: true,
    inboundWhitelist: [],
    disableFriendSdk: true,
  };
}

/** The channel block of an OpenClaw config for these accounts, as a user would write it. */
export function channelConfig(
  accounts: Record<string, { token: string; wsAddr: string; apiAddr: string }>,
  tokenRefresh: Record<string, unknown> = { mode: "off" },
) {
  return { channels: { "multi-openim": { tokenRefresh, accounts } } };
}
