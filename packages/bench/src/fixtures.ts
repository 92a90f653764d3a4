import type { ResolvedAccount } from "@multi-openim/core";
import type { DevServer } from "@multi-openim/devserver";

/** A token for `userID` (the devserver mints a new string on every call). */
export function freshToken(server: DevServer, userID: string, lifetimeSec = 86_400): string {
  return server.mintToken(userID, { expiresInSec: lifetimeSec });
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
