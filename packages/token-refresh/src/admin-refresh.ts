import { readFile } from "node:fs/promises";
import { type AdminRefreshConfig, expandHome } from "@multi-openim/core";
import { refreshError } from "./errors.js";
import { fetchJson } from "./http-fetch.js";
import type { RefreshedToken } from "./http-refresh.js";
import type { SecretRegistry } from "./secrets.js";

/** What the engine must know of an account to mint its token; the caller (plugin, MCP server) passes it. */
export interface AccountInfo {
  userID: string;
  platformID: number;
  apiAddr: string;
}

export interface AdminRefreshInput {
  accountId: string;
  config: AdminRefreshConfig;
  account: AccountInfo | undefined;
  fetch: typeof globalThis.fetch;
  secrets: SecretRegistry;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/**
 * `mode: "admin"`: the server's admin secret buys an admin token (`/auth/get_admin_token`), which mints
 * the account's token (`/auth/get_user_token`). No auth service to run; the secret never leaves this
 * function unredacted (it is registered as a secret before any request).
 */
export async function adminRefresh(input: AdminRefreshInput): Promise<RefreshedToken> {
  const { accountId, config, account, secrets } = input;
  if (!account) {
    throw refreshError(
      "REFRESH_DISABLED",
      `tokenRefresh.mode "admin" needs the userID and platformID of "${accountId}"; pass accountInfo to createTokenRefresher`,
    );
  }
  const secret = await readSecret(config, input.env);
  secrets.add(secret);
  const api = (config.apiAddr ?? account.apiAddr).replace(/\/+$/, "");
  const admin = await call(input, `${api}/auth/get_admin_token`, { secret, userID: config.adminUserID });
  secrets.add(admin);
  const token = await call(
    input,
    `${api}/auth/get_user_token`,
    { userID: account.userID, platformID: account.platformID },
    admin,
  );
  secrets.add(token);
  return { token, userID: account.userID, clearPaths: [] };
}

async function readSecret(config: AdminRefreshConfig, env: NodeJS.ProcessEnv): Promise<string> {
  if (config.secretEnv) {
    const value = env[config.secretEnv];
    if (!value) {
      throw refreshError(
        "REFRESH_DISABLED",
        `tokenRefresh.admin.secretEnv names ${config.secretEnv}, which is not set in this process's environment`,
      );
    }
    return value;
  }
  if (config.secretFile) {
    const path = expandHome(config.secretFile);
    try {
      const value = (await readFile(path, "utf8")).trim();
      if (value) return value;
    } catch (error) {
      throw refreshError(
        "REFRESH_DISABLED",
        `tokenRefresh.admin.secretFile ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    throw refreshError("REFRESH_DISABLED", `tokenRefresh.admin.secretFile ${path} is empty`);
  }
  if (config.secret) return config.secret;
  throw refreshError("REFRESH_DISABLED", "tokenRefresh.admin needs secretEnv, secretFile or secret");
}

/** One OpenIM admin call: HTTP errors come from fetchJson; an `errCode` in a 200 answer is final. */
async function call(
  input: AdminRefreshInput,
  url: string,
  body: Record<string, unknown>,
  token?: string,
): Promise<string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    operationID: `multi-openim-refresh-${Date.now()}`,
  };
  if (token) headers.token = token;
  const json = (await fetchJson({
    fetch: input.fetch,
    url,
    init: { method: "POST", headers, body: JSON.stringify(body) },
    secrets: input.secrets,
    ...(input.signal ? { signal: input.signal } : {}),
  })) as { errCode?: number; errMsg?: string; data?: { token?: unknown } } | null;
  const route = new URL(url).pathname;
  if (json?.errCode) {
    throw refreshError(
      "REFRESH_HTTP_STATUS",
      `OpenIM ${route} for "${input.accountId}" answered errCode=${json.errCode} ${input.secrets.redact(String(json.errMsg ?? ""))}`,
      { retry: json.errCode === 500 },
    );
  }
  const value = json?.data?.token;
  if (typeof value !== "string" || !value) {
    throw refreshError("REFRESH_NO_TOKEN", `OpenIM ${route} answered without data.token`);
  }
  return value;
}
