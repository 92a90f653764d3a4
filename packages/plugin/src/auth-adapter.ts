import { rm } from "node:fs/promises";
import {
  CHANNEL_ID,
  decodeJwtClaims,
  MultiOpenimError,
  markerPathFor,
  patchAccountToken,
  patchJson5File,
  resolveOpenClawConfigPath,
} from "@multi-openim/core";
import { type AccountInfo, createTokenRefresher } from "@multi-openim/token-refresh";
import { checkTokenOverRest } from "multi-openim";
import type { ChannelConfigReader } from "./config.js";
import { channelBlockOf } from "./config.js";

/** The part of OpenClaw's RuntimeEnv the CLI hands to `auth.login` / `logoutAccount`. */
export interface RuntimeLike {
  log: (...args: unknown[]) => void;
}

export interface AuthDeps {
  reader: ChannelConfigReader;
  /** Where the new token comes from: the terminal (hidden prompt) or standard input. */
  readToken?: (accountId: string) => Promise<string>;
  /** Where a token comes from in `tokenRefresh.mode: "admin"`: minted with the admin secret (default: token-refresh's admin mode). */
  mintToken?: (input: MintInput) => Promise<string>;
  env?: NodeJS.ProcessEnv;
}

export interface MintInput {
  accountId: string;
  /** The channel's `tokenRefresh` block (mode "admin"). */
  tokenRefresh: unknown;
  account: AccountInfo;
  env: NodeJS.ProcessEnv;
}

/**
 * Admin mode: token-refresh's own admin path (secret → admin token → the account's token), one refresh
 * with no lock or schedule; its errors are already redacted (the secret and the admin token are registered
 * as secrets before any request).
 */
async function mintWithAdminSecret(input: MintInput): Promise<string> {
  const refresher = createTokenRefresher({
    tokenRefresh: input.tokenRefresh as never,
    accountInfo: () => input.account,
    lock: false,
    env: input.env,
  });
  try {
    const result = await refresher.refresh(input.accountId, "openclaw channels login (admin mode)");
    if (!result.ok)
      throw new MultiOpenimError(
        "LOGIN_FAILED",
        `[multi-openim] could not mint a token for "${input.accountId}" with tokenRefresh.admin (${result.code}: ${result.message}); check tokenRefresh.admin.adminUserID and its secret; nothing was saved`,
      );
    return result.token;
  } finally {
    refresher.dispose();
  }
}

/** A hidden prompt on a terminal; otherwise all of standard input (`… | openclaw channels login`). */
async function readTokenFromStdin(accountId: string): Promise<string> {
  if (process.stdin.isTTY) {
    const clack = await import("@clack/prompts");
    const answer = await clack.password({ message: `New OpenIM token for account "${accountId}" (hidden)` });
    if (clack.isCancel(answer))
      throw new MultiOpenimError("STOPPED", "[multi-openim] login cancelled; nothing was saved");
    return String(answer);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

function accountBlock(cfg: unknown, accountId: string): Record<string, unknown> | undefined {
  const accounts = (channelBlockOf(cfg) as { accounts?: Record<string, Record<string, unknown>> } | undefined)
    ?.accounts;
  return accounts?.[accountId];
}

/**
 * `openclaw channels login|logout --channel multi-openim --account X`: the manual-login path the marker
 * points to. Login tests the pasted token over REST (no WebSocket login: the gateway may still hold a
 * session), saves it with core's JSON5 patch (comments kept, atomic, 0600) and clears the marker; the
 * gateway's config watcher then restarts only that account. Logout forgets the token the same way.
 */
export function createAuthAdapters(deps: AuthDeps) {
  const configPath = () => resolveOpenClawConfigPath(deps.env ?? process.env);

  const requireAccount = (cfg: unknown, accountId: string | null | undefined) => {
    const id = String(accountId ?? "").trim();
    const listed = deps.reader.read(cfg).listed;
    if (!id || !listed.includes(id)) {
      const known = listed.length
        ? `pass --account with one of: ${listed.join(", ")}`
        : "add one first: openclaw channels add --channel multi-openim";
      throw new MultiOpenimError(
        "ACCOUNT_UNKNOWN",
        `[multi-openim] ${id ? `no account "${id}"` : "--account is required (there is no default account)"}: ${known}`,
      );
    }
    return { id, block: accountBlock(cfg, id) ?? {} };
  };

  /** Admin mode needs the account's userID (its config, else its current token's claim) and platformID. */
  const mintFor = async (id: string, block: Record<string, unknown>, tokenRefresh: unknown) => {
    const claims = (() => {
      try {
        return typeof block.token === "string" && block.token ? decodeJwtClaims(block.token) : {};
      } catch {
        return {};
      }
    })() as { UserID?: unknown; PlatformID?: unknown };
    const userID = (block.userID as string | undefined) ?? (claims.UserID as string | undefined);
    const apiAddr = block.apiAddr as string | undefined;
    if (!userID || !apiAddr)
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[multi-openim] admin mode mints a token for channels.${CHANNEL_ID}.accounts.${id}.userID on its apiAddr: set both (openclaw config set or edit openclaw.json), then log in again`,
      );
    const platformID =
      (block.platformID as number | undefined) ??
      (typeof claims.PlatformID === "number" ? claims.PlatformID : 5);
    return (
      await (deps.mintToken ?? mintWithAdminSecret)({
        accountId: id,
        tokenRefresh,
        account: { userID, platformID, apiAddr },
        env: deps.env ?? process.env,
      })
    ).trim();
  };

  const login = async (params: { cfg: unknown; accountId?: string | null; runtime: RuntimeLike }) => {
    const { id, block } = requireAccount(params.cfg, params.accountId);
    const tokenRefresh = deps.reader.read(params.cfg).config?.tokenRefresh;
    const admin = tokenRefresh?.mode === "admin";
    const token = admin
      ? await mintFor(id, block, tokenRefresh)
      : (await (deps.readToken ?? readTokenFromStdin)(id)).trim();
    if (!token) throw new MultiOpenimError("CLI_USAGE", "[multi-openim] no token given; nothing was saved");
    const claims = (() => {
      try {
        return decodeJwtClaims(token);
      } catch (error) {
        throw new MultiOpenimError(
          "TOKEN_MALFORMED",
          `[multi-openim] that is not an OpenIM token (${(error as Error).message}); nothing was saved`,
        );
      }
    })();
    const userID = (block.userID as string | undefined) ?? (claims.UserID as string | undefined);
    const apiAddr = block.apiAddr as string | undefined;
    if (!userID || !apiAddr)
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[multi-openim] account "${id}" needs apiAddr and a userID before a login`,
      );
    if (block.userID && claims.UserID && claims.UserID !== block.userID)
      throw new MultiOpenimError(
        "LOGIN_FAILED",
        `[multi-openim] the token is for user "${claims.UserID}", account "${id}" is "${block.userID}"; nothing was saved`,
      );
    const check = await checkTokenOverRest({ apiAddr, token, userID }, 10_000);
    if (!check.ok)
      throw new MultiOpenimError(
        "LOGIN_FAILED",
        `[multi-openim] ${apiAddr} did not accept the token (${check.kind}: ${check.message}); nothing was saved`,
      );
    const path = configPath();
    const result = await patchAccountToken(path, id, token);
    for (const warning of result.warnings) params.runtime.log(`warning: ${warning}`);
    await rm(markerPathFor(tokenRefresh?.manualLoginMarkerPath, id), { force: true });
    params.runtime.log(
      `[multi-openim] ${admin ? "minted a token with the admin secret" : "token"} for "${id}" (user ${userID}) accepted by ${apiAddr} and saved to ${path}; a running gateway restarts only this account.`,
    );
  };

  const logoutAccount = async (params: { cfg: unknown; accountId: string; runtime?: RuntimeLike }) => {
    const { id, block } = requireAccount(params.cfg, params.accountId);
    if (typeof block.token !== "string" || block.token === "") return { cleared: false, loggedOut: true };
    // An empty token keeps the account's other fields and the file's comments; `login` fills it again.
    await patchJson5File(configPath(), ["channels", CHANNEL_ID, "accounts", id, "token"], "");
    params.runtime?.log(
      `[multi-openim] forgot the token of "${id}"; log in again with openclaw channels login --channel ${CHANNEL_ID} --account ${id}`,
    );
    return { cleared: true, loggedOut: true };
  };

  return { auth: { login }, logoutAccount };
}
