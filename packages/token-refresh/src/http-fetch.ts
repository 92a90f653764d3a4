import { isMultiOpenimError } from "@multi-openim/core";
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
  /** Where a redacted preview of a refused body may go; results, status and markers never carry it. */
  debug?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const BODY_PREVIEW_CHARS = 300;
/** A token response is a few hundred bytes; anything past this is not one, and is not read into memory. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Seed steps 3–5: one request with a timeout; non-2xx, redirects, timeouts, network errors, huge and bad JSON bodies become typed errors. */
export async function fetchJson(input: FetchJsonInput): Promise<unknown> {
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = input.signal ? AbortSignal.any([timeout, input.signal]) : timeout;
  let text: string;
  let status: number;
  try {
    // Never follow a redirect: it would re-send the refresh token and custom headers to wherever it points.
    const response = await input.fetch(input.url, { ...input.init, redirect: "manual", signal });
    status = response.status;
    if (status >= 300 && status <= 399) {
      await response.body?.cancel().catch(() => undefined);
      throw refreshError(
        "REFRESH_HTTP_STATUS",
        `refresh endpoint answered HTTP ${status} (a redirect); redirects are not followed with credentials: set tokenRefresh.http.endpoint to the final URL`,
      );
    }
    text = await readCapped(response);
  } catch (error) {
    if (isMultiOpenimError(error)) throw error;
    if (timeout.aborted) {
      throw refreshError("REFRESH_TIMEOUT", `refresh endpoint did not answer within ${timeoutMs} ms`, {
        cause: error,
        retry: true,
      });
    }
    // undici reports "fetch failed" and hides the reason (ECONNREFUSED, DNS) in `cause`; its code says enough.
    throw refreshError("REFRESH_NETWORK", `refresh request failed (${networkReason(error)})`, {
      cause: error,
      retry: !input.signal?.aborted,
    });
  }
  if (status < 200 || status > 299) {
    input.debug?.(
      `[token-refresh] refresh endpoint answered HTTP ${status}; body: ${input.secrets.preview(text, BODY_PREVIEW_CHARS)}`,
    );
    throw refreshError("REFRESH_HTTP_STATUS", `refresh endpoint answered HTTP ${status}`, {
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

/** Reads at most MAX_RESPONSE_BYTES; a longer body is cancelled and refused. */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw refreshError(
        "REFRESH_BAD_JSON",
        `refresh endpoint answered HTTP ${response.status} with a body over ${MAX_RESPONSE_BYTES / 1024} KiB; a token response is small: check tokenRefresh.http.endpoint`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } })?.cause;
  const code = cause?.code ?? (error as { code?: unknown })?.code;
  if (typeof code === "string") return code;
  if (error instanceof TypeError && /url/i.test(error.message))
    return "tokenRefresh.http.endpoint is not a valid URL";
  return typeof cause?.name === "string" ? cause.name : ((error as Error)?.name ?? "unknown error");
}
