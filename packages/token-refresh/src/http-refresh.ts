import { expandHome, type HttpRefreshConfig } from "@multi-openim/core";
import { refreshError } from "./errors.js";
import { fetchJson } from "./http-fetch.js";
import { describePathSpec, firstNonEmpty } from "./paths.js";
import { isSensitiveField, isSensitiveHeader, type SecretRegistry } from "./secrets.js";
import { readAccountState, writeBackState } from "./state-file.js";
import { renderDeep, renderTemplate, type TemplateContext } from "./templates.js";

export interface HttpRefreshInput {
  accountId: string;
  config: HttpRefreshConfig;
  fetch: typeof globalThis.fetch;
  secrets: SecretRegistry;
  warn: (message: string) => void;
  /** Gets a redacted preview of a refused response body; optional. */
  debug?: (message: string) => void;
  /** Aborted when the refresher is disposed. */
  signal?: AbortSignal;
  /**
   * `store: {kind: "redis"}`: the account's state lives in Redis (shared by every machine); the stateFile
   * only seeds an account Redis does not know yet, and is kept as a local copy.
   */
  sharedState?: SharedState;
}

export interface SharedState {
  read(accountId: string): Promise<Record<string, unknown> | undefined>;
  write(accountId: string, fields: Record<string, unknown>): Promise<void>;
}

export interface RefreshedToken {
  token: string;
  userID?: string;
  /** Rendered `clearOnSuccess` paths, unlinked by the caller once the token is persisted. */
  clearPaths: string[];
}

/** One pass of the seed's http steps 1–6: state, templates, fetch, status, JSON, extraction, write-back. */
export async function httpRefresh(input: HttpRefreshInput): Promise<RefreshedToken> {
  const { accountId, config, secrets } = input;
  const stateFile = config.stateFile ? expandHome(config.stateFile) : undefined;
  const state = await readState(input, stateFile);
  for (const [field, value] of Object.entries(state)) if (isSensitiveField(field)) secrets.add(value);

  const missing = new Set<string>();
  // Whatever the state file holds is put where the endpoint wants a credential: every substituted value is a secret.
  const context: TemplateContext = {
    accountId,
    state,
    onMissing: (field) => missing.add(field),
    onStateValue: (_field, value) => secrets.add(value),
  };
  const url = renderTemplate(config.endpoint ?? "", context);
  addUrlSecrets(url, secrets);
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(config.headers ?? {})) {
    const value = renderTemplate(template, context);
    // A configured header is a credential (x-admin, x-tenant-secret, …) unless it is a standard one.
    if (value !== template || isSensitiveHeader(name) || !PUBLIC_HEADERS.has(name.toLowerCase())) {
      secrets.add(value);
    }
    headers[name] = value;
  }
  addSensitiveBodyLiterals(config.body, secrets);
  let body: string | undefined;
  if (typeof config.body === "string") body = renderTemplate(config.body, context);
  else if (config.body !== undefined) {
    body = JSON.stringify(renderDeep(config.body, context));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["content-type"] = "application/json";
    }
  }
  const clearPaths = (config.clearOnSuccess ?? []).map((p) => expandHome(renderTemplate(p, context)));
  if (missing.size > 0) {
    const fields = [...missing].map((f) => `{state.${f}}`).join(", ");
    input.warn(`[token-refresh] account "${accountId}": ${fields} has no value in stateFile; rendered as ""`);
  }

  const json = await fetchJson({
    fetch: input.fetch,
    url,
    init: { method: config.method || "POST", headers, body },
    timeoutMs: config.timeoutMs,
    secrets,
    signal: input.signal,
    ...(input.debug ? { debug: input.debug } : {}),
  });
  return extract(input, json, clearPaths, stateFile);
}

const PUBLIC_HEADERS = new Set(["accept", "accept-language", "content-type", "user-agent", "cache-control"]);

/** Literal body values under a secret-looking key (client_secret, api_key, …); templated ones are added as rendered. */
function addSensitiveBodyLiterals(body: unknown, secrets: SecretRegistry): void {
  if (Array.isArray(body)) for (const item of body) addSensitiveBodyLiterals(item, secrets);
  else if (body !== null && typeof body === "object") {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === "string" && isSensitiveField(key)) secrets.add(value);
      else addSensitiveBodyLiterals(value, secrets);
    }
  }
}

/** Query values (a literal `?access_token=…` too) and a password in the URL are credentials, whoever wrote them. */
function addUrlSecrets(url: string, secrets: SecretRegistry): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) return;
  for (const value of parsed.searchParams.values()) secrets.add(value);
  if (parsed.password) secrets.add(decodeURIComponent(parsed.password));
  if (parsed.username) secrets.add(decodeURIComponent(parsed.username));
}

async function extract(
  input: HttpRefreshInput,
  json: unknown,
  clearPaths: string[],
  stateFile: string | undefined,
): Promise<RefreshedToken> {
  const { accountId, config, secrets } = input;
  const tokenSpec = config.responseTokenPath ?? [];
  const found = firstNonEmpty(json, tokenSpec);
  if (!found) {
    throw refreshError(
      "REFRESH_NO_TOKEN",
      `no token in the refresh response at responseTokenPath ${describePathSpec(tokenSpec)}`,
    );
  }
  if (typeof found.value !== "string") {
    throw refreshError(
      "REFRESH_NO_TOKEN",
      `responseTokenPath "${found.path}" holds a ${Array.isArray(found.value) ? "array" : typeof found.value}, expected a string token`,
    );
  }
  const token = found.value;
  secrets.add(token);

  let userID: string | undefined;
  if (config.responseUserIdPath) {
    const user = firstNonEmpty(json, config.responseUserIdPath);
    if (typeof user?.value === "string" || typeof user?.value === "number") userID = String(user.value);
  }

  const writeBack: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(config.stateWriteBack ?? {})) {
    const hit = firstNonEmpty(json, spec);
    if (!hit) continue;
    writeBack[field] = hit.value;
    secrets.add(hit.value);
  }
  // The state is saved before the token is handed out: a rotated refresh token that is lost locks the account out.
  if (Object.keys(writeBack).length > 0) {
    if (!stateFile && !input.sharedState) {
      throw refreshError(
        "REFRESH_STATE_WRITE",
        `tokenRefresh.http.stateWriteBack is set but tokenRefresh.http.stateFile is not; set stateFile to keep rotated fields`,
      );
    }
    if (input.sharedState) {
      await input.sharedState.write(accountId, writeBack).catch((error: Error) => {
        throw refreshError(
          "REFRESH_STATE_WRITE",
          `could not save rotated fields (${Object.keys(writeBack).join(", ")}) for "${accountId}" to the Redis store: ${error.message}. The new token was not used.`,
          { cause: error, retry: true },
        );
      });
      // The local copy is a convenience (switching back to files); Redis is the truth.
      if (stateFile) {
        await writeBackState(stateFile, accountId, writeBack).catch((error: Error) =>
          input.warn(
            `[token-refresh] account "${accountId}": local stateFile copy not updated: ${error.message}`,
          ),
        );
      }
    } else if (stateFile) {
      await writeBackState(stateFile, accountId, writeBack);
    }
  }
  return userID === undefined ? { token, clearPaths } : { token, userID, clearPaths };
}

async function readState(
  input: HttpRefreshInput,
  stateFile: string | undefined,
): Promise<Record<string, unknown>> {
  const { accountId } = input;
  if (input.sharedState) {
    let shared: Record<string, unknown> | undefined;
    try {
      shared = await input.sharedState.read(accountId);
    } catch (error) {
      throw refreshError(
        "REFRESH_STATE_READ",
        `cannot read the refresh state of "${accountId}" from the Redis store: ${(error as Error).message}`,
        { cause: error, retry: true },
      );
    }
    if (shared) return shared;
  }
  return stateFile ? await readAccountState(stateFile, accountId) : {};
}
