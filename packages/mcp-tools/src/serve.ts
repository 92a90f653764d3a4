import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { AccountPool } from "@multi-openim/client";
import {
  patchAccountToken,
  redactSecrets,
  resolveOpenClawConfigPath,
  urlCredentials,
} from "@multi-openim/core";
import { createTokenRefresher } from "@multi-openim/token-refresh";
import { MCP_USAGE, parseMcpArgs } from "./args.js";
import { takeLeases } from "./leases.js";
import { loadChannel } from "./load-config.js";
import { createMcpServer } from "./mcp-server.js";
import { createPoolSender } from "./pool-sender.js";

export interface ServeOptions {
  argv: string[];
  env?: Record<string, string | undefined>;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  version?: string;
  /** Shutdown triggers besides stdin closing; the bin passes SIGINT / SIGTERM. */
  onStopSignal?: (stop: () => void) => void;
}

/**
 * The multi-openim-mcp process: load the channel, start the accounts, serve the tools on stdio until stdin
 * closes or a stop signal arrives, then stop every account. stdout carries only the protocol; logs go to stderr.
 */
export async function serveMcp(options: ServeOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const args = parseMcpArgs(options.argv);
  if (args.help) {
    stdout.write(MCP_USAGE);
    return;
  }
  const configPath = args.configPath ?? resolveOpenClawConfigPath(options.env ?? process.env);
  const loaded = await loadChannel(configPath, args.accounts);
  const { store, alerts } = loaded.config;
  // A password in the Redis store URL is a secret like the tokens.
  const secrets = [
    ...loaded.accounts.map((account) => account.token),
    ...(store.kind === "redis" ? urlCredentials(store.url) : []),
  ];
  const log = (level: string) => (message: string) =>
    stderr.write(`[multi-openim-mcp] ${level} ${redactSecrets(message, secrets)}\n`);
  const logger = { debug: () => {}, info: log("info"), warn: log("warn"), error: log("error") };
  for (const warning of loaded.warnings) logger.warn(warning);

  const tokenRefresher = createTokenRefresher({
    tokenRefresh: loaded.config.tokenRefresh,
    persistToken: async (accountId, token, userID) => {
      const { warnings } = await patchAccountToken(configPath, accountId, token, userID);
      for (const warning of warnings) logger.warn(warning);
    },
    logger,
    secrets,
    store,
    ...(alerts ? { alerts } : {}),
    accountInfo: (accountId) => loaded.accounts.find((account) => account.accountId === accountId),
  });
  const pool = new AccountPool({ tokenRefresher, logger });
  let stopRequested = false;
  let release: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    release = resolve;
  });
  const stop = () => {
    stopRequested = true;
    release();
  };
  options.onStopSignal?.(stop);
  stdin.once("end", stop);
  stdin.once("close", stop);

  const leases = await takeLeases(loaded.accounts, options.env ?? process.env, logger.error, store);
  const started = await pool.start(leases.free);
  for (const status of started.started) {
    const state = status.connected ? "connected" : `not connected yet (${status.lastError ?? status.auth})`;
    logger.info(`account ${status.accountId}: ${state}`);
  }
  for (const failed of started.failed) logger.error(`account ${failed.accountId}: ${failed.error.message}`);

  const server = createMcpServer(createPoolSender(pool), {
    allowedRoots: args.allowRoots,
    maxBytes: args.maxBytes,
    secrets: () => secrets,
    version: options.version,
  });
  server.onclose = stop;
  if (!stopRequested) {
    await server.connect(new StdioServerTransport(stdin, stdout));
    logger.info(`serving ${pool.ids().length} account(s) on stdio: ${pool.ids().join(", ")}`);
  }
  await stopped;
  logger.info("stopping the accounts");
  await pool.stopAll();
  await leases.release();
  await server.close().catch(() => {});
}
