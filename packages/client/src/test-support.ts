// Test-only helpers: a devserver, accounts on it, and a small real refresher that mints from the server.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedAccount } from "@multi-openim/core";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { createTokenRefresher } from "@multi-openim/token-refresh";
import type { AccountClient } from "./account-client.js";
import { createAccountClient } from "./client.js";
import type { AccountStatus, ClientOptions, InboundMessage, TokenRefresher } from "./types.js";

export interface DevRefresher extends TokenRefresher {
  reasons: string[];
  /** While true, refresh answers like an unreachable endpoint (transient). */
  down: boolean;
  /** While true, the endpoint refuses (HTTP 401: terminal, a human is needed). */
  terminal: boolean;
  expiresInSec: number | undefined;
}

/**
 * The real engine (`createTokenRefresher`, mode http) whose endpoint mints tokens on the devserver, so the
 * client is tested with the refresher it runs with. `server` may be a getter, for tests that replace the
 * server under a running client.
 */
export function devRefresher(
  server: DevServer | (() => DevServer),
  userOf: (accountId: string) => string,
  options: { proactiveMarginMs?: number } = {},
): DevRefresher & ReturnType<typeof createTokenRefresher> {
  const current = typeof server === "function" ? server : () => server;
  const controls = {
    reasons: [] as string[],
    down: false,
    terminal: false,
    expiresInSec: undefined as number | undefined,
  };
  const mint = async (body: string): Promise<Response> => {
    if (controls.down) throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
    if (controls.terminal) return new Response('{"error":"refresh token revoked"}', { status: 401 });
    // The devserver mints a new string on every call: no need to wait for the next second.
    const { accountId } = JSON.parse(body) as { accountId: string };
    const mintOptions = controls.expiresInSec ? { expiresInSec: controls.expiresInSec } : {};
    return Response.json({ token: current().mintToken(userOf(accountId), mintOptions) });
  };
  const engine = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: join(markerDir, "manual-login.json"),
      http: {
        endpoint: "http://devserver.test/refresh",
        body: { accountId: "{accountId}" },
        responseTokenPath: "token",
      },
    },
    fetch: (_url, init) => mint(String(init?.body)),
    onRefreshStart: ({ reason }) => controls.reasons.push(reason),
    backoff: { baseMs: 300, capMs: 2000, retries: 0 },
    circuit: { failureThreshold: 1000 },
    ...(options.proactiveMarginMs !== undefined ? { proactiveMarginMs: options.proactiveMarginMs } : {}),
  });
  // The tests flip `down` / `terminal` on the returned object, which the endpoint above reads.
  const handle = Object.assign(engine, controls);
  const read = handle;
  Object.defineProperties(controls, {
    down: { get: () => read.down },
    terminal: { get: () => read.terminal },
    expiresInSec: { get: () => read.expiresInSec },
  });
  return handle;
}

/** Where devRefresher's engines write manual-login markers (one temp dir per test process). */
export const markerDir = mkdtempSync(join(tmpdir(), "client-markers-"));

// The account fixture lives once, in the workspace testkit.
export { accountOn } from "@multi-openim/testkit";

/** A started client that records every message and status it emits. */
export interface Harness {
  client: AccountClient;
  messages: InboundMessage[];
  statuses: AccountStatus[];
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
}

export function harness(account: ResolvedAccount, options: ClientOptions): Harness {
  const client = createAccountClient(account, { tickMs: 200, ...options });
  const messages: InboundMessage[] = [];
  const statuses: AccountStatus[] = [];
  client.on("message", (m) => messages.push(m));
  client.on("status", (s) => statuses.push(s));
  return { client, messages, statuses, waitFor };
}

export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 15_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { type DevServer, startDevServer };
