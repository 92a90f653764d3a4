import { isMultiOpenimError, MultiOpenimError } from "@multi-openim/core";
import type { AccountRegistry } from "./registry.js";
import type { AccountClient, Logger } from "./types.js";

export interface SendQueueOptions {
  registry: AccountRegistry;
  /** Accounts configured in this gateway: only these are worth waiting for. */
  configured: () => readonly string[];
  log: () => Logger;
  /** Sends waiting at once, over all accounts. Default 200. */
  maxItems?: number;
  /** A send still not delivered after this long is dropped with a logged reason. Default 5 min. */
  maxAgeMs?: number;
  pollMs?: number;
}

/**
 * Outbound sends that fail because their account is (re)connecting wait here and go out, in order,
 * once it is connected again. Only failures that guarantee nothing was sent are retried (the account
 * is not running, or the client gave up waiting for a connection: NOT_CONNECTED), so a message is
 * never doubled. The queue is bounded in count and age; a dropped send is logged with its reason and
 * its caller gets the error — never a silent loss. OpenClaw keeps no such queue for channels (its
 * own refuses blind replays), so this is the plugin's job.
 */
export class SendQueue {
  private waiting = 0;
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly options: SendQueueOptions) {}

  get size(): number {
    return this.waiting;
  }

  async run<T>(accountId: string, what: string, op: (client: AccountClient) => Promise<T>): Promise<T> {
    try {
      return await op(this.options.registry.require(accountId).client);
    } catch (error) {
      if (!this.retryable(accountId, error)) throw error;
      return this.enqueue(accountId, what, op, error);
    }
  }

  private retryable(accountId: string, error: unknown): boolean {
    if (!isMultiOpenimError(error) || (error as MultiOpenimError).code !== "NOT_CONNECTED") return false;
    if (!this.options.configured().includes(accountId)) return false;
    // A dead login does not come back by waiting: fail now.
    return this.options.registry.get(accountId)?.client.status().auth !== "needs-login";
  }

  private async enqueue<T>(
    accountId: string,
    what: string,
    op: (client: AccountClient) => Promise<T>,
    first: unknown,
  ): Promise<T> {
    const log = this.options.log();
    const max = this.options.maxItems ?? 200;
    if (this.waiting >= max) {
      log.warn(`[multi-openim] ${accountId}: ${what} dropped: outbound queue full (${max} waiting)`);
      throw first;
    }
    const queuedAt = Date.now();
    const maxAge = this.options.maxAgeMs ?? 5 * 60_000;
    this.waiting += 1;
    log.info(`[multi-openim] ${accountId}: ${what} queued until the account is connected again`);
    // One queue per account: queued sends go out in the order they were queued.
    const previous = this.tails.get(accountId) ?? Promise.resolve();
    const attempt = previous
      .catch(() => {})
      .then(async () => {
        let last = first;
        while (Date.now() - queuedAt < maxAge) {
          const entry = this.options.registry.get(accountId);
          if (entry?.client.status().connected) {
            try {
              return await op(entry.client);
            } catch (error) {
              if (!this.retryable(accountId, error)) throw error;
              last = error;
            }
          } else if (entry?.client.status().auth === "needs-login") {
            break;
          }
          await new Promise((r) => setTimeout(r, this.options.pollMs ?? 250));
        }
        const age = Math.round((Date.now() - queuedAt) / 1000);
        const reason = last instanceof Error ? last.message : String(last);
        log.warn(
          `[multi-openim] ${accountId}: ${what} dropped after ${age}s in the outbound queue: ${reason}`,
        );
        throw new MultiOpenimError(
          "NOT_CONNECTED",
          `[multi-openim] ${what} via account "${accountId}" dropped after ${age}s waiting for a connection`,
          { cause: last },
        );
      });
    this.tails.set(accountId, attempt);
    try {
      return await attempt;
    } finally {
      this.waiting -= 1;
      if (this.tails.get(accountId) === attempt) this.tails.delete(accountId);
    }
  }
}
