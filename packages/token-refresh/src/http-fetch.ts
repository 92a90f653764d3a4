import { isTransientStatus, refreshError } from "./errors.js";
import type { SecretRegistry } from "./secrets.js";

export interface FetchJsonInput {
  fetch: typeof globalThis.fetch;
  url: string;
  init: { method: string; headers: Record<string, string>; body: string | undefined };
  /** Default 15000 ms, as in the seed. */
  timeoutMs?: number;
  secrets: SecretRegistry;
  /** Aborted when the refresher is disposed. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const BODY_PREVIEW_CHARS = 300;

/** Seed steps 3–5: one request with a timeout; non-2xx, timeouts, network errors and bad JSON become typed errors. */
export async function fetchJson(input: FetchJsonInput): Promise<unknown> {
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = input.signal ? AbortSignal.any([timeout, input.signal]) : timeout;
  let text: string;
  let status: number;
  try {
    const response = await input.fetch(input.url, { ...input.init, signal });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (timeout.aborted) {
      throw refreshError("REFRESH_TIMEOUT", `refresh endpoint did not answer within ${timeoutMs} ms`, {
        cause: error,
        retry: true,
      });
    }
    // undici reports "fetch failed" and hides the reason (ECONNREFUSED, DNS) in `cause`.
    const detail = (error as Error)?.cause instanceof Error ? (error as { cause: Error }).cause.message : "";
    const message = `${(error as Error)?.message ?? String(error)}${detail ? ` (${detail})` : ""}`;
    throw refreshError("REFRESH_NETWORK", `refresh request failed: ${input.secrets.redact(message)}`, {
      cause: error,
      retry: !input.signal?.aborted,
    });
  }
  if (status < 200 || status > 299) {
    const preview = input.secrets.redact(text.slice(0, BODY_PREVIEW_CHARS));
    throw refreshError("REFRESH_HTTP_STATUS", `refresh endpoint answered HTTP ${status}: ${preview}`, {
      retry: isTransientStatus(status),
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refreshError(
      "REFRESH_BAD_JSON",
      `refresh endpoint answered HTTP ${status} with a body that is not JSON`,
      {
        cause: error,
      },
    );
  }
}
