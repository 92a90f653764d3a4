import { join } from "node:path";
import { type AccountStatus, createAccountClient, type TokenRefresher } from "@multi-openim/client";
import {
  MultiOpenimError,
  redactSecrets,
  resolveOpenClawStateDir,
  tokenExpiresAt,
  urlCredentials,
} from "@multi-openim/core";
import { type AccountLease, acquireLease } from "@multi-openim/token-refresh";
import { checkTokenOverRest, detectSwappedPorts } from "./connection-rest.js";
import type {
  ConnectionAccount,
  ConnectionFailureReason,
  ConnectionResult,
  ConnectionTestOptions,
} from "./connection-types.js";
import { checkReachable } from "./reachability.js";

/** The SDK's token events, as the client passes them to a refresher ("OnUserTokenExpired errCode=1501"). */
const TOKEN_REASONS: [string, ConnectionFailureReason][] = [
  ["OnUserTokenExpired", "token-expired"],
  ["OnUserTokenInvalid", "token-invalid"],
  ["OnKickedOffline", "kicked"],
];

/** A refresher that never refreshes: it only records why the client wanted a new token, which is the answer. */
function recordingRefresher(): TokenRefresher & { asked: Promise<string> } {
  let tell: (reason: string) => void = () => {};
  const asked = new Promise<string>((resolve) => (tell = resolve));
  return {
    asked,
    async refresh(_accountId, reason) {
      tell(reason);
      return {
        ok: false,
        code: "REFRESH_DISABLED",
        message: "connection test: no refresh",
        markerPath: "",
        retryable: false,
      };
    },
  };
}

function timeoutAfter(ms: number): { promise: Promise<"timeout">; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Logs one account in once with the real client and reports success or the exact reason it failed.
 * Order: the token's own expiry, then TCP reachability of both addresses, then a real login.
 */
export async function testConnection(
  account: ConnectionAccount,
  options: ConnectionTestOptions = {},
): Promise<ConnectionResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const store = options.lease?.store;
  const secrets = [account.token, ...(store?.kind === "redis" ? urlCredentials(store.url) : [])];
  const fail = (reason: ConnectionFailureReason, message: string): ConnectionResult => ({
    ok: false,
    reason,
    message: redactSecrets(message, secrets),
  });
  const expiresAt = tokenExpiresAt(account.token);
  if (expiresAt !== undefined && expiresAt <= Date.now()) {
    return fail("token-expired", `the token expired at ${new Date(expiresAt).toISOString()} (its exp claim)`);
  }
  const unreachable = await checkReachable(account, Math.min(timeoutMs, 5000));
  if (unreachable) return unreachable;
  const rest = await restVerdict(account, Math.min(timeoutMs, 5000));
  if (rest) return fail(rest.reason, rest.message);

  // Only the login can kick a running session: it happens while holding the account's lease, or not at all.
  let lease: AccountLease;
  try {
    lease = await acquireLease(account.accountId, {
      dir: join(options.lease?.stateDir ?? resolveOpenClawStateDir(), "multi-openim", "leases"),
      holder: "multi-openim setup (connection test)",
      sendHint: () => "nothing: the connection test ends in seconds; run setup again",
      ...(store ? { store } : {}),
    });
  } catch (error) {
    if (error instanceof MultiOpenimError && error.code === "ACCOUNT_HELD")
      return fail("held", error.message);
    throw error;
  }
  try {
    return await loginOnce(account, timeoutMs, fail);
  } finally {
    await lease.release();
  }
}

async function loginOnce(
  account: ConnectionAccount,
  timeoutMs: number,
  fail: (reason: ConnectionFailureReason, message: string) => ConnectionResult,
): Promise<ConnectionResult> {
  const refresher = recordingRefresher();
  const client = createAccountClient(
    { ...account, enabled: true, requireMention: true, inboundWhitelist: [], disableFriendSdk: true },
    {
      tokenRefresher: refresher,
      friendGuard: true,
      loginTimeoutMs: timeoutMs,
      proactiveRefreshMarginMs: 0,
      backoff: { baseMs: 10, capMs: 10 },
      kickWindowMs: 1,
      kickWindowCapMs: 1,
    },
  );
  const deadline = timeoutAfter(timeoutMs);
  try {
    const started = Date.now();
    const first = await Promise.race([client.start(), deadline.promise]);
    if (first === "timeout")
      return fail("timeout", `no answer from ${account.wsAddr} within ${timeoutMs} ms`);
    if (first.connected) return { ok: true, userID: account.userID };
    // A token refusal makes the client ask for a refresh right after the attempt; other failures retry without.
    const grace = timeoutAfter(1000);
    const reason = await Promise.race([refresher.asked, grace.promise]);
    grace.cancel();
    const token = TOKEN_REASONS.find(([event]) => reason.startsWith(event));
    if (token) return fail(token[1], describe(first, reason));
    if (Date.now() - started >= timeoutMs)
      return fail("timeout", `login did not finish within ${timeoutMs} ms`);
    return fail("login-failed", describe(first, "login failed"));
  } catch (error) {
    throw MultiOpenimError.from(error, "LOGIN_FAILED");
  } finally {
    deadline.cancel();
    await client.stop();
  }
}

/** Token and address problems the REST API already names, before a WebSocket login is tried. */
async function restVerdict(
  account: ConnectionAccount,
  timeoutMs: number,
): Promise<{ reason: ConnectionFailureReason; message: string } | undefined> {
  const rest = await checkTokenOverRest(account, timeoutMs);
  if (rest.ok || rest.kind === "server" || rest.kind === "unreachable") return undefined;
  if (rest.kind === "token") {
    const reason =
      rest.errCode === 1501 ? "token-expired" : rest.errCode === 1506 ? "kicked" : "token-invalid";
    return { reason, message: `the server refused the token over REST (${rest.message})` };
  }
  const swapped = await detectSwappedPorts(account, timeoutMs);
  return swapped
    ? { reason: "swapped-ports", message: swapped }
    : { reason: "not-openim", message: rest.message };
}

function describe(status: AccountStatus, fallback: string): string {
  return status.lastError ?? fallback;
}
