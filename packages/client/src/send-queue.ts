import { isMultiOpenimError, MultiOpenimError } from "@multi-openim/core";
import { type Clock, realClock } from "./clock.js";

/** How sends made while the account is not connected wait for it (createAccountClient's options). */
export interface SendQueueOptions {
  /**
   * Sends of this account waiting for a connection at once; one more fails at once with NOT_CONNECTED.
   * Default 200. 0 turns the queue off: a send then waits for a reconnect within `sendTimeoutMs` only.
   */
  sendQueueMaxItems?: number;
  /** A send made while not connected waits this long at most for a connection, then fails NOT_CONNECTED. Default 300000. */
  sendQueueMaxAgeMs?: number;
}

export interface SendQueueDeps {
  accountId: string;
  maxItems: number;
  maxAgeMs: number;
  /** Started and not stopped: a send on a stopped client fails at once (STOPPED), it is never queued. */
  running(): boolean;
  connected(): boolean;
  /** Resolves once connected, or throws NOT_CONNECTED at the deadline / STOPPED / NEEDS_LOGIN. */
  waitConnected(deadline: number): Promise<unknown>;
  log(level: "info" | "warn", message: string): void;
  /** Deadlines and ages are read from it (default: the real clock). */
  clock?: Clock;
}

/** Defaults applied; a bad value is refused with the field and the fix. */
export function resolveSendQueueOptions(options: SendQueueOptions): { maxItems: number; maxAgeMs: number } {
  const { sendQueueMaxItems: items, sendQueueMaxAgeMs: age } = options;
  if (items !== undefined && !(Number.isInteger(items) && items >= 0)) {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      `[client] options.sendQueueMaxItems must be an integer >= 0 (default 200, 0 = no queue), got ${String(items)}`,
    );
  }
  if (age !== undefined && !(typeof age === "number" && Number.isFinite(age) && age >= 0)) {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      `[client] options.sendQueueMaxAgeMs must be a number of ms >= 0 (default 300000), got ${String(age)}`,
    );
  }
  return { maxItems: items ?? 200, maxAgeMs: age ?? 300_000 };
}

/** NOT_CONNECTED is only thrown before a message was issued: such a send may be tried again. */
const notSent = (error: unknown) => isMultiOpenimError(error) && error.code === "NOT_CONNECTED";

/**
 * Sends made while the account is (re)connecting wait here and go out, in the order they were made,
 * once it is connected again. Only failures that guarantee nothing was sent (NOT_CONNECTED: no
 * connection before the send's deadline) are tried again; a send whose outcome is unknown is settled
 * by the unknown-outcome logic inside the send, never by a blind resend here. Bounded in count and
 * age; a send that gives up fails with NOT_CONNECTED and a logged reason — never a silent loss.
 */
export class SendQueue {
  private waiting = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SendQueueDeps) {}

  /** Sends waiting for a connection now. */
  get size(): number {
    return this.waiting;
  }

  async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (this.deps.maxItems === 0 || !this.deps.running()) return op();
    if (this.waiting === 0 && this.deps.connected()) {
      try {
        return await op();
      } catch (error) {
        if (!notSent(error)) throw error;
        return this.enqueue(what, op, error);
      }
    }
    return this.enqueue(what, op, undefined);
  }

  private async enqueue<T>(what: string, op: () => Promise<T>, first: unknown): Promise<T> {
    const { accountId, maxItems, maxAgeMs, log } = this.deps;
    const label = `[client] account=${accountId}: ${what}`;
    if (this.waiting >= maxItems) {
      log("warn", `${what} refused: send queue full (${maxItems} waiting for a connection)`);
      throw new MultiOpenimError(
        "NOT_CONNECTED",
        `${label}: not connected, and ${maxItems} sends already wait for a connection (nothing was sent)`,
        { cause: first },
      );
    }
    const clock = this.deps.clock ?? realClock;
    const queuedAt = clock.now();
    const deadline = queuedAt + maxAgeMs;
    this.waiting += 1;
    log("info", `${what} queued until the account is connected again`);
    const attempt = this.tail
      .catch(() => undefined)
      .then(async () => {
        let last = first;
        for (;;) {
          try {
            await this.deps.waitConnected(deadline);
          } catch (error) {
            if (isMultiOpenimError(error) && error.code === "STOPPED") {
              throw new MultiOpenimError(
                "NOT_CONNECTED",
                `${label}: the account stopped while the send waited for a connection (nothing was sent)`,
                { cause: error },
              );
            }
            if (!notSent(error)) throw error;
            last = error;
            break;
          }
          try {
            return await op();
          } catch (error) {
            if (!notSent(error)) throw error;
            last = error;
            if (clock.now() >= deadline) break;
          }
        }
        const age = Math.round((clock.now() - queuedAt) / 1000);
        log("warn", `${what} dropped after ${age}s waiting for a connection (nothing was sent)`);
        throw new MultiOpenimError(
          "NOT_CONNECTED",
          `${label}: dropped after ${age}s waiting for a connection (nothing was sent)`,
          { cause: last },
        );
      });
    this.tail = attempt;
    try {
      return await attempt;
    } finally {
      this.waiting -= 1;
      if (this.tail === attempt) this.tail = Promise.resolve();
    }
  }
}
