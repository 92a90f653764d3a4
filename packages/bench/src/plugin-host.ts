import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { multiOpenim } from "multi-openim-channel";
import { createEchoRuntime } from "./echo-runtime.ts";

type Channel = typeof multiOpenim.channel;
type StartContext = Parameters<Channel["gateway"]["startAccount"]>[0];
type Snapshot = Parameters<StartContext["setStatus"]>[0];

/**
 * The plugin's own wiring (its built dist: the bundled client, token-refresh and inbound path) driven
 * the way OpenClaw drives it — resolveAccount, a held startAccount per account, abort to stop — with
 * the echo runtime double standing in for OpenClaw's inbound runtime and agent.
 */
export function createPluginHost(cfg: unknown, logLines: string[] = []) {
  // The plugin keeps its crash journal under OpenClaw's state dir: a temp one, never the user's ~/.openclaw.
  const stateDir = mkdtempSync(join(tmpdir(), "mo-bench-state-"));
  const previousStateDir = process.env.OPENCLAW_STATE_DIR;
  process.env.OPENCLAW_STATE_DIR = stateDir;
  const echo = createEchoRuntime();
  const log = (level: string) => (m: string) => logLines.push(`${level} ${m}`);
  const logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
  multiOpenim.setApi({ logger, runtime: { channel: echo.runtime } } as Parameters<
    typeof multiOpenim.setApi
  >[0]);
  const running = new Map<string, { abort: AbortController; done: Promise<void>; statuses: Snapshot[] }>();

  const start = async (accountId: string, timeoutMs = 30_000): Promise<void> => {
    const abort = new AbortController();
    const statuses: Snapshot[] = [];
    const account = multiOpenim.channel.config.resolveAccount(cfg, accountId);
    const done = multiOpenim.channel.gateway.startAccount({
      cfg,
      accountId,
      account,
      abortSignal: abort.signal,
      setStatus: (s: Snapshot) => statuses.push(s),
      channelRuntime: echo.runtime,
      log: logger,
    } as StartContext);
    running.set(accountId, { abort, done, statuses });
    const end = Date.now() + timeoutMs;
    while (!statuses.some((s) => (s as { connected?: boolean }).connected)) {
      if (Date.now() > end)
        throw new Error(`[bench] plugin account ${accountId} did not connect in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const stopAll = async (): Promise<void> => {
    for (const entry of running.values()) entry.abort.abort();
    await Promise.all([...running.values()].map((e) => e.done.catch(() => undefined)));
    running.clear();
    if (previousStateDir === undefined) delete process.env.OPENCLAW_STATE_DIR;
    else process.env.OPENCLAW_STATE_DIR = previousStateDir;
    rmSync(stateDir, { recursive: true, force: true });
  };

  const sendText = (accountId: string, to: string, text: string): Promise<{ messageId: string }> =>
    multiOpenim.channel.outbound.sendText({ accountId, to, text });

  return { echo, start, stopAll, sendText, logLines };
}
