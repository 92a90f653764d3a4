import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AccountClient, createAccountClient } from "@multi-openim/client";
import type { ResolvedAccount } from "@multi-openim/core";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { accountOn } from "@multi-openim/testkit";
import { createTokenRefresher } from "@multi-openim/token-refresh";
import { createLogCapture } from "./log-capture.ts";
import { capturedConsole } from "./quiet-console.ts";
import { ADMIN_HEADER_SECRET, startRefreshEndpoint } from "./refresh-endpoint.ts";

export interface RigOptions {
  accounts?: number;
  servers?: number;
  /** The refresh endpoint's HTTP timeout as configured in tokenRefresh. */
  refreshTimeoutMs?: number;
}

/**
 * Bots on devservers, each a real client with a real http token refresher pointing at a loopback
 * refresh endpoint; every token minted is remembered (to search the logs for it) and every message a
 * bot receives is recorded by clientMsgID (to count losses and duplicates).
 */
export async function startRig(options: RigOptions = {}) {
  const consoleStart = capturedConsole().length;
  const dir = await mkdtemp(join(tmpdir(), "mo-faults-"));
  const servers: DevServer[] = await Promise.all(
    Array.from({ length: options.servers ?? 1 }, () => startDevServer()),
  );
  const secrets = new Set<string>();
  const serverOf = new Map<string, DevServer>();
  let minted = 0;
  const mint = (accountId: string) => {
    const server = serverOf.get(accountId);
    if (!server) throw new Error(`unknown account ${accountId}`);
    const token = server.mintToken(accountId, { expiresInSec: 86_400 + ++minted });
    secrets.add(token);
    return token;
  };
  const endpoint = await startRefreshEndpoint(mint);
  // Values the refresh config substitutes from a state file, and a literal admin header: searched for too.
  const stateFile = join(dir, "refresh-state.json");
  const state = Object.fromEntries(
    Array.from({ length: options.accounts ?? 1 }, (_, i) => [
      `bot${i}`,
      { rt: `state-rt/${i}+value=${minted}-9f8e`, client: `state-client-${i}-77aa` },
    ]),
  );
  await writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
  for (const entry of Object.values(state)) {
    secrets.add(entry.rt);
    secrets.add(entry.client);
  }
  secrets.add(ADMIN_HEADER_SECRET);
  const logs = createLogCapture();
  const refreshStats = { succeeded: 0, failed: 0, attempts: 0 };
  const refresher = createTokenRefresher({
    tokenRefresh: endpoint.tokenRefresh(options.refreshTimeoutMs ?? 3000, dir, stateFile),
    logger: logs.logger,
    backoff: { baseMs: 200, capMs: 2000 },
    // Engine-level outcomes: one refresh may take several HTTP attempts (a timed-out call is retried).
    onRefreshSuccess: (e) => {
      refreshStats.succeeded++;
      refreshStats.attempts += e.attempts;
    },
    onRefreshFailure: (e) => {
      refreshStats.failed++;
      refreshStats.attempts += e.attempts;
    },
  });
  const received = new Map<string, string[]>();
  const clients: AccountClient[] = [];
  const accounts: ResolvedAccount[] = [];
  for (let i = 0; i < (options.accounts ?? 1); i++) {
    const server = servers[i % servers.length]!;
    const id = `bot${i}`;
    server.registerUser("human");
    serverOf.set(id, server);
    const account = accountOn(server, id, id, { token: mint(id) });
    const client = createAccountClient(account, {
      tokenRefresher: refresher,
      logger: logs.logger,
      backoff: { baseMs: 200, capMs: 2000 },
    });
    received.set(id, []);
    client.on("message", (m) => received.get(id)!.push(m.clientMsgID));
    accounts.push(account);
    clients.push(client);
  }
  await Promise.all(clients.map((c) => c.start()));

  /** The human on the bot's server writes `count` DMs; returns their clientMsgIDs. */
  const humanSends = (index: number, count: number, label: string): string[] =>
    Array.from(
      { length: count },
      (_, k) =>
        serverOf
          .get(accounts[index]!.accountId)!
          .sendAs("human", `user:${accounts[index]!.userID}`, `${label} ${k}`).clientMsgID,
    );

  /** A user the bot has never talked to writes `count` DMs (each call a new user: a new conversation). */
  let strangers = 0;
  const strangerSends = (index: number, count: number, label: string): string[] => {
    const server = serverOf.get(accounts[index]!.accountId)!;
    const who = `stranger${++strangers}`;
    server.registerUser(who);
    return Array.from(
      { length: count },
      (_, k) => server.sendAs(who, `user:${accounts[index]!.userID}`, `${label} ${k}`).clientMsgID,
    );
  };

  /** Lost and duplicated among `sent` for one bot. */
  const tally = (index: number, sent: readonly string[]) => {
    const got = received.get(accounts[index]!.accountId)!;
    const relevant = got.filter((id) => sent.includes(id));
    const unique = new Set(relevant);
    return { sent: sent.length, received: unique.size, duplicates: relevant.length - unique.size };
  };

  /** Every line this rig produced: the loggers' and the console output swallowed meanwhile (the SDK's). */
  const logLines = () => [...logs.lines, ...capturedConsole().slice(consoleStart)];
  /** Tokens found in any log line, in the clients' status errors, or in `extra`. */
  const leaks = (extra: readonly string[] = []) =>
    logs.leaks(secrets, [
      ...capturedConsole().slice(consoleStart),
      ...clients.map((c) => c.status().lastError ?? ""),
      ...extra,
    ]);

  const stop = async () => {
    await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
    refresher.dispose?.();
    await endpoint.close();
    await Promise.all(servers.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  };

  return {
    logLines,
    leaks,
    refreshStats,
    dir,
    servers,
    serverOf,
    endpoint,
    refresher,
    logs,
    secrets,
    clients,
    accounts,
    received,
    mint,
    humanSends,
    strangerSends,
    tally,
    stop,
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;
