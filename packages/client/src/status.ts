import { redactSecrets } from "@multi-openim/core";
import type { AccountStatus } from "./types.js";

export const MAX_ERROR_LENGTH = 500;

/**
 * Holds one account's status and reports changes. Every error text passes through redaction against
 * all tokens this account has ever used, then is cut to 500 characters.
 */
export class StatusTracker {
  private state: AccountStatus;
  private readonly secrets = new Set<string>();

  constructor(
    accountId: string,
    enabled: boolean,
    private readonly onChange: (status: AccountStatus) => void,
  ) {
    this.state = {
      accountId,
      enabled,
      configured: true,
      running: false,
      connected: false,
      lastError: null,
      auth: "ok",
      reconnects: 0,
      skippedOnCatchUp: 0,
    };
  }

  /** A token to keep out of every status and error text from now on. */
  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  snapshot(): AccountStatus {
    return { ...this.state };
  }

  get current(): Readonly<AccountStatus> {
    return this.state;
  }

  /** Applies a patch; emits only when a field the caller can see changed (activity stamps excepted). */
  update(patch: Partial<Omit<AccountStatus, "lastError">> & { lastError?: string | null | Error }): void {
    const { lastError, ...rest } = patch;
    const next: AccountStatus = { ...this.state, ...rest };
    if (lastError !== undefined) next.lastError = lastError === null ? null : this.formatError(lastError);
    const changed = (Object.keys(next) as (keyof AccountStatus)[]).some(
      (key) => !isActivityStamp(key) && next[key] !== this.state[key],
    );
    this.state = next;
    if (changed) this.onChange(this.snapshot());
  }

  /** Activity stamps change on every frame; they are recorded without an event. */
  touch(field: "lastInboundAt" | "lastOutboundAt" | "lastTransportActivityAt", at = Date.now()): void {
    this.state[field] = at;
  }

  private formatError(error: string | Error): string {
    const text = typeof error === "string" ? error : error.message;
    return this.redact(text).slice(0, MAX_ERROR_LENGTH);
  }
}

function isActivityStamp(key: keyof AccountStatus): boolean {
  return key === "lastInboundAt" || key === "lastOutboundAt" || key === "lastTransportActivityAt";
}
