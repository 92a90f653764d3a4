import { MultiOpenimError } from "@multi-openim/core";
import type { AccountClient } from "./account-client.js";
import { createAccountClient } from "./client.js";
import type { AccountStatus, ClientAccount, ClientOptions } from "./types.js";

export interface PoolStartResult {
  started: AccountStatus[];
  /** Accounts whose start threw (bad options); the others are unaffected. */
  failed: { accountId: string; error: Error }[];
}

/**
 * Many accounts, each with its own client. Starts run concurrently and are independent: one account that
 * cannot connect (or throws) never delays or stops another.
 */
export class AccountPool {
  private readonly clients = new Map<string, AccountClient>();

  constructor(
    private readonly options: ClientOptions,
    private readonly create: (
      account: ClientAccount,
      options: ClientOptions,
    ) => AccountClient = createAccountClient,
  ) {}

  async start(accounts: readonly ClientAccount[]): Promise<PoolStartResult> {
    const settled = await Promise.allSettled(accounts.map((account) => this.startOne(account)));
    const result: PoolStartResult = { started: [], failed: [] };
    settled.forEach((outcome, index) => {
      if (outcome.status === "fulfilled") result.started.push(outcome.value);
      else {
        const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
        result.failed.push({ accountId: accounts[index]!.accountId, error });
      }
    });
    return result;
  }

  /** Starts one account (replacing nothing: an id already running is refused). */
  async startOne(account: ClientAccount): Promise<AccountStatus> {
    if (this.clients.has(account.accountId)) {
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[client] account=${account.accountId} is already in the pool; stop it first`,
      );
    }
    const client = this.create(account, this.options);
    this.clients.set(account.accountId, client);
    return client.start();
  }

  get(accountId: string): AccountClient | undefined {
    return this.clients.get(accountId);
  }

  /** Strict lookup for senders: unknown ids are an error, never a fallback to another account. */
  require(accountId: string): AccountClient {
    const client = this.clients.get(accountId);
    if (!client)
      throw new MultiOpenimError("ACCOUNT_UNKNOWN", `[client] no account "${accountId}" in the pool`);
    return client;
  }

  isConnected(accountId: string): boolean {
    return this.clients.get(accountId)?.status().connected === true;
  }

  ids(): string[] {
    return [...this.clients.keys()];
  }

  statuses(): AccountStatus[] {
    return [...this.clients.values()].map((client) => client.status());
  }

  async stop(accountId: string): Promise<boolean> {
    const client = this.clients.get(accountId);
    if (!client) return false;
    this.clients.delete(accountId);
    await client.stop();
    return true;
  }

  async stopAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((client) => client.stop()));
  }
}
