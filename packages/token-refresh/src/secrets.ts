import { redactedPreview, redactSecrets } from "@multi-openim/core";

/** The logger shape the engine writes to; `console` fits. */
export interface RefreshLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

// Old tokens stay redacted for a while after rotation; the cap bounds memory in a long-lived process.
const MAX_SECRETS = 512;

/** Every value the engine has seen that must never be printed: tokens, refresh tokens, templated headers. */
export class SecretRegistry {
  readonly #values = new Set<string>();

  constructor(initial: Iterable<string> = []) {
    for (const value of initial) this.add(value);
  }

  add(value: unknown): void {
    if (typeof value !== "string" || value.length === 0) return;
    this.#values.delete(value);
    this.#values.add(value);
    if (this.#values.size > MAX_SECRETS) {
      const oldest = this.#values.values().next().value;
      if (oldest !== undefined) this.#values.delete(oldest);
    }
  }

  redact(text: string): string {
    return redactSecrets(text, this.#values);
  }

  /** Redacts, then cuts to maxChars (cutting first could leave a secret's first characters behind). */
  preview(text: string, maxChars: number): string {
    return redactedPreview(text, this.#values, maxChars);
  }
}

/** Wraps a logger so every line goes through the registry first; a missing logger prints nothing. */
export function redactingLogger(
  logger: RefreshLogger | undefined,
  secrets: SecretRegistry,
): Required<RefreshLogger> {
  const emit = (level: keyof RefreshLogger) => (message: string) => {
    const target = logger?.[level];
    if (typeof target === "function") target.call(logger, secrets.redact(message));
  };
  return { info: emit("info"), warn: emit("warn"), error: emit("error"), debug: emit("debug") };
}

// Header names whose values are credentials even when they are written literally in the config.
const SENSITIVE_HEADER = /auth|token|secret|key|cookie|session|password|signature/i;

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

// State fields whose values are credentials whatever template they appear in.
const SENSITIVE_FIELD = /token|secret|key|password|session|cookie|credential/i;

export function isSensitiveField(name: string): boolean {
  return SENSITIVE_FIELD.test(name);
}
