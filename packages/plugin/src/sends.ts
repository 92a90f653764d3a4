import { isMultiOpenimError, MultiOpenimError } from "@multi-openim/core";
import type { AccountRegistry, RunningAccount } from "./registry.js";
import type { AccountClient, Logger } from "./types.js";

export interface SendsOptions {
  registry: AccountRegistry;
  /** Accounts configured in this gateway: only these are worth waiting for. */
  configured: () => readonly string[];
  log: () => Logger;
  /** Sends waiting for their account to run again, over all accounts. Default 200. */
  maxItems?: number;
  /** A send whose account does not run again within this is dropped with a logged reason. Default 5 min. */
  maxWaitMs?: number;
  pollMs?: number;
}

/** NOT_CONNECTED is only ever thrown before a message was issued (the client's contract). */
const notSent = (error: unknown) => isMultiOpenimError(error) && error.code === "NOT_CONNECTED";

/**
 * Outbound sends (agent replies, `openclaw message send`, the tools) by account id. Waiting for a
 * connection is the client's own (its send queue: in order, bounded, never a blind resend). What is
 * left here is the gateway's part: an account that is configured but not running right now (a gateway
 * or health restart between two clients) is waited for, and a send the old client gave up before
 * issuing it (NOT_CONNECTED: it stopped) goes to the client that replaced it. Bounded in count and
 * age; a dropped send is logged with its reason and its caller gets the error.
 */
export class Sends {
  private waitingNow = 0;

  constructor(private readonly options: SendsOptions) {}

  /** Sends waiting for their account to run. */
  get waiting(): number {
    return this.waitingNow;
  }

  /** `maxWaitMs` replaces the default wait for the account for this call (a recovery check waits less). */
  async run<T>(
    accountId: string,
    what: string,
    op: (client: AccountClient) => Promise<T>,
    limits: { maxWaitMs?: number } = {},
  ): Promise<T> {
    const deadline = Date.now() + (limits.maxWaitMs ?? this.options.maxWaitMs ?? 5 * 60_000);
    let entry = this.options.registry.get(accountId) ?? (await this.waitForClient(accountId, what, deadline));
    for (;;) {
      if (entry.client.status().auth === "needs-login") this.options.registry.require(accountId);
      try {
        return await op(entry.client);
      } catch (error) {
        if (!notSent(error) || !this.configured(accountId)) throw error;
        entry = await this.waitForClient(accountId, what, deadline, entry.client, error);
      }
    }
  }

  private configured(accountId: string): boolean {
    return this.options.configured().includes(accountId);
  }

  /** The account's next running client (other than `previous`), or the registry's / the last error. */
  private async waitForClient(
    accountId: string,
    what: string,
    deadline: number,
    previous?: AccountClient,
    last?: unknown,
  ): Promise<RunningAccount> {
    const { registry } = this.options;
    // Unknown here, or an empty id: the seed's errors, at once.
    if (!this.configured(accountId)) return registry.require(accountId);
    const log = this.options.log();
    const max = this.options.maxItems ?? 200;
    if (this.waitingNow >= max) {
      log.warn(`[multi-openim] ${accountId}: ${what} dropped: ${max} sends already wait for their account`);
      throw (
        last ?? new MultiOpenimError("NOT_CONNECTED", `[multi-openim] account "${accountId}" is not running`)
      );
    }
    const since = Date.now();
    this.waitingNow += 1;
    log.info(`[multi-openim] ${accountId}: ${what} waits for the account to run again`);
    try {
      while (Date.now() < deadline) {
        const entry = registry.get(accountId);
        if (entry && entry.client !== previous) {
          if (entry.client.status().auth === "needs-login") break;
          return entry;
        }
        await new Promise((r) => setTimeout(r, this.options.pollMs ?? 250));
      }
    } finally {
      this.waitingNow -= 1;
    }
    const age = Math.round((Date.now() - since) / 1000);
    log.warn(`[multi-openim] ${accountId}: ${what} dropped after ${age}s waiting for the account to run`);
    throw new MultiOpenimError(
      "NOT_CONNECTED",
      `[multi-openim] ${what} via account "${accountId}" dropped after ${age}s waiting for the account to run (nothing was sent)`,
      { cause: last },
    );
  }
}
