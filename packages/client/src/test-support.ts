// Test-only helpers: a devserver, accounts on it, and a small real refresher that mints from the server.
import type { ResolvedAccount } from "@multi-openim/core";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import type { AccountClient } from "./account-client.js";
import { createAccountClient } from "./client.js";
import type {
  AccountStatus,
  ClientOptions,
  InboundMessage,
  RefreshOutcome,
  TokenRefresher,
} from "./types.js";

export interface DevRefresher extends TokenRefresher {
  reasons: string[];
  /** While true, refresh answers like an unreachable endpoint (transient). */
  down: boolean;
  /** While set, refresh answers this terminal failure. */
  terminal: string | undefined;
  expiresInSec: number | undefined;
}

/** `server` may be a getter, for tests that replace the server under a running client. */
export function devRefresher(
  server: DevServer | (() => DevServer),
  userOf: (accountId: string) => string,
): DevRefresher {
  const current = typeof server === "function" ? server : () => server;
  const refresher: DevRefresher = {
    reasons: [],
    down: false,
    terminal: undefined,
    expiresInSec: undefined,
    async refresh(accountId: string, reason: string): Promise<RefreshOutcome> {
      refresher.reasons.push(reason);
      if (refresher.terminal)
        return { ok: false, code: refresher.terminal, markerPath: `/tmp/manual-login.${accountId}.json` };
      if (refresher.down) return { ok: false, code: "REFRESH_NETWORK", message: "connect ECONNREFUSED" };
      // The devserver mints a new string on every call: no need to wait for the next second.
      const options = refresher.expiresInSec ? { expiresInSec: refresher.expiresInSec } : {};
      return { ok: true, token: current().mintToken(userOf(accountId), options) };
    },
  };
  return refresher;
}

export function accountOn(
  server: DevServer,
  accountId: string,
  userID: string,
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

/** A started client that records every message and status it emits. */
export interface Harness {
  client: AccountClient;
  messages: InboundMessage[];
  statuses: AccountStatus[];
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
}

export function harness(account: ResolvedAccount, options: ClientOptions): Harness {
  const client = createAccountClient(account, { tickMs: 200, ...options });
  const messages: InboundMessage[] = [];
  const statuses: AccountStatus[] = [];
  client.on("message", (m) => messages.push(m));
  client.on("status", (s) => statuses.push(s));
  return { client, messages, statuses, waitFor };
}

export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 15_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { type DevServer, startDevServer };
