import type { RefreshLogger, SecretRegistry } from "./secrets.js";

export type AlertKind = "needs-login" | "circuit-open" | "recovered";

/** What an operator's webhook receives (and `onAlert` gets): never a token or secret. */
export interface AlertEvent {
  accountId: string;
  event: AlertKind;
  /** Redacted: the failure's code and message, or what recovered it. */
  reason: string;
  /** ISO time. */
  at: string;
}

export interface AlertOptions {
  /** POSTs each alert as JSON to this URL. */
  webhook?: string;
  /** Attempts after the first failed POST. Default 3. */
  retries?: number;
  /** Per POST, ms. Default 5000. */
  timeoutMs?: number;
  /** First wait between attempts, ms (doubles). Default 500. */
  retryDelayMs?: number;
}

/**
 * Loud when a human is needed: one alert per account per state change (needs-login, circuit open), and
 * `recovered` once a refresh succeeds after one of those. Delivery never blocks a refresh: the POST runs
 * in the background with bounded retries; a webhook that stays down costs a warning, nothing more.
 */
export class Alerts {
  readonly #raised = new Map<string, Set<AlertKind>>();

  constructor(
    private readonly options: AlertOptions,
    private readonly deps: {
      fetch: typeof globalThis.fetch;
      log: Required<RefreshLogger>;
      secrets: SecretRegistry;
      onAlert?: (event: AlertEvent) => void;
    },
  ) {}

  /** A failed refresh: `needs-login` when final, `circuit-open` when this failure opened the circuit. */
  failed(accountId: string, reason: string, final: boolean, circuitOpened: boolean): void {
    if (final) this.#raise(accountId, "needs-login", reason);
    if (circuitOpened) this.#raise(accountId, "circuit-open", reason);
  }

  succeeded(accountId: string, reason: string): void {
    const raised = this.#raised.get(accountId);
    if (!raised?.size) return;
    this.#raised.delete(accountId);
    this.#emit({ accountId, event: "recovered", reason, at: new Date().toISOString() });
  }

  #raise(accountId: string, event: AlertKind, reason: string): void {
    const raised = this.#raised.get(accountId) ?? new Set<AlertKind>();
    this.#raised.set(accountId, raised);
    // The circuit re-opens on each failed trial; the operator heard about it the first time.
    if (raised.has(event)) return;
    raised.add(event);
    this.#emit({ accountId, event, reason, at: new Date().toISOString() });
  }

  #emit(alert: AlertEvent): void {
    const event = { ...alert, reason: this.deps.secrets.redact(alert.reason) };
    try {
      this.deps.onAlert?.(event);
    } catch (error) {
      this.deps.log.warn(`[token-refresh] onAlert hook threw: ${(error as Error)?.message ?? String(error)}`);
    }
    if (this.options.webhook) void this.#post(this.options.webhook, event);
  }

  async #post(url: string, event: AlertEvent): Promise<void> {
    const retries = Math.max(0, this.options.retries ?? 3);
    let lastError = "";
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const wait = (this.options.retryDelayMs ?? 500) * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, wait).unref?.());
      }
      try {
        const response = await this.deps.fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        });
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) return;
        lastError = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        lastError = (error as Error)?.message ?? String(error);
      }
    }
    this.deps.log.warn(
      `[token-refresh] alert ${event.event} for "${event.accountId}" not delivered to the webhook: ${this.deps.secrets.redact(lastError)}`,
    );
  }
}
