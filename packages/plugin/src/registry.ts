import { MultiOpenimError, type ResolvedAccount } from "@multi-openim/core";
import type { AccountClient } from "./types.js";

export interface RunningAccount {
  account: ResolvedAccount;
  client: AccountClient;
}

/**
 * The accounts this gateway process is running, by id. Outbound sends, agent replies and tools look
 * accounts up here by explicit id only: there is no "first connected" or default fallback.
 */
export class AccountRegistry {
  private readonly running = new Map<string, RunningAccount>();
  /** Tokens refreshed while running, so a restarted account does not log in with the expired one. */
  private readonly latestTokens = new Map<string, { token: string; userID?: string }>();

  add(entry: RunningAccount): void {
    this.running.set(entry.account.accountId, entry);
  }

  /** Removes the entry only if it is still this client (a newer start may have replaced it). */
  remove(accountId: string, client: AccountClient): void {
    if (this.running.get(accountId)?.client === client) this.running.delete(accountId);
  }

  get(accountId: string): RunningAccount | undefined {
    return this.running.get(accountId);
  }

  ids(): string[] {
    return [...this.running.keys()];
  }

  rememberToken(accountId: string, token: string, userID?: string): void {
    this.latestTokens.set(accountId, userID ? { token, userID } : { token });
  }

  /** The account as configured, with a token refreshed since the config was read, if any. */
  withLatestToken(account: ResolvedAccount): ResolvedAccount {
    const latest = this.latestTokens.get(account.accountId);
    if (!latest || latest.token === account.token) return account;
    return { ...account, token: latest.token, ...(latest.userID ? { userID: latest.userID } : {}) };
  }

  /** The running client for an explicit account id, or the seed's errors. */
  require(accountId: string | null | undefined): RunningAccount {
    const id = String(accountId ?? "").trim();
    if (!id)
      throw new MultiOpenimError(
        "ACCOUNT_UNKNOWN",
        "[multi-openim] accountId is required (no default fallback)",
      );
    const entry = this.running.get(id);
    if (!entry || entry.client.status().auth === "needs-login") {
      throw new MultiOpenimError("NOT_CONNECTED", `[multi-openim] account "${id}" is not connected`);
    }
    return entry;
  }
}
