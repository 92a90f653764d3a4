import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import {
  type ChatMessage,
  freePort,
  freshToken,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawArgs,
  openclawEnv,
  runCommand,
  snapshotPlugin,
  startFakeModel,
  textOf,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import { startRefreshEndpoint } from "../refresh-endpoint.ts";

const MARKER = /SOAK-\d+/;

/** One account of the soak: its id, its bot user and the devserver it lives on. */
export interface SoakAccount {
  accountId: string;
  bot: string;
  dev: DevServer;
}

/**
 * The soak's real path: two devservers, a headless OpenClaw gateway with a snapshot of the built plugin
 * and one account on each, a model that answers every DM with its marker ("ACK SOAK-n"), and a refresh
 * endpoint minting from the right server. `start()` launches the gateway again on the same config and
 * state dir, as a supervisor would.
 */
export async function startSoakStack() {
  const root = await mkdtemp(join(tmpdir(), "mo-soak-"));
  // SOAK_KEEP_STATE=1 keeps the gateway's state dir (journal, watermarks, sessions) to look into a loss.
  const closers: (() => Promise<unknown>)[] = process.env.SOAK_KEEP_STATE
    ? [async () => process.stderr.write(`soak state kept in ${root}\n`)]
    : [() => rm(root, { recursive: true, force: true })];
  try {
    const devs = [await startDevServer(), await startDevServer()];
    for (const dev of devs) closers.push(() => dev.close());
    const accounts: SoakAccount[] = devs.map((dev, i) => ({
      accountId: `s${i + 1}`,
      bot: `soak-bot${i + 1}`,
      dev,
    }));
    const tokens: string[] = [];
    const mint = (accountId: string) => {
      const account = accounts.find((a) => a.accountId === accountId);
      if (!account) throw new Error(`unknown account ${accountId}`);
      const token = freshToken(account.dev, account.bot);
      tokens.push(token);
      return token;
    };
    const refresh = await startRefreshEndpoint(mint);
    closers.push(() => refresh.close());
    const model = await startFakeModel((messages: ChatMessage[]) => {
      const last = messages.findLast((m) => m.role === "user" && MARKER.test(textOf(m)));
      return { text: `ACK ${last ? MARKER.exec(textOf(last))?.[0] : "(no marker)"}` };
    });
    closers.push(() => model.close());
    const pluginDir = await snapshotPlugin(root);
    const port = await freePort();
    const env = await openclawEnv(root);
    const channel = {
      tokenRefresh: refresh.tokenRefresh(3000),
      // Every DM comes from a new human: the soak counts answers, not pairing codes. "*" as OpenClaw asks.
      dmPolicy: "open",
      allowFrom: ["*"],
      accounts: Object.fromEntries(
        accounts.map((a) => {
          a.dev.registerUser(a.bot, { nickname: a.bot });
          return [a.accountId, { token: mint(a.accountId), wsAddr: a.dev.wsAddr, apiAddr: a.dev.apiAddr }];
        }),
      ),
    };
    await writeGatewayConfig(
      env.OPENCLAW_CONFIG_PATH as string,
      gatewayConfig({ port, modelBaseUrl: model.baseUrl, pluginDir, channel }),
    );
    const gateways: GatewayProcess[] = [];
    let breakerStarts = 0;
    return {
      accounts,
      tokens,
      refresh,
      gateways,
      /** Starts a gateway (own process group) and waits until both accounts run. */
      async start(timeoutMs: number): Promise<GatewayProcess> {
        const [cmd, args] = gatewayRunArgs(port);
        const gateway = new GatewayProcess(cmd, args, env);
        gateways.push(gateway);
        // OpenClaw 2026.9.6 counts a SIGTERM after any session activity as an unclean stop (its own
        // plugin cleanup runs after its database scope closed: "cleanup failed (session-store)", for
        // every plugin), and after 3 unclean boots in 5 min its crash-loop breaker holds the channels
        // back at start, telling the operator to start them by hand. The soak does what it says.
        await gateway.waitFor(
          /\[gateway\] ready|channel autostart suppressed by crash-loop breaker/,
          timeoutMs,
        );
        if (/channel autostart suppressed by crash-loop breaker/.test(gateway.output)) {
          const [oc, ocArgs] = openclawArgs(
            "gateway",
            "call",
            "channels.start",
            "--params",
            JSON.stringify({ channel: "multi-openim" }),
          );
          const started = await runCommand(oc, ocArgs, { env, timeoutMs: 120_000 });
          if (started.code !== 0)
            throw new Error(
              `channels.start after the crash-loop breaker: ${started.stderr || started.stdout}`,
            );
          breakerStarts += 1;
        }
        for (const a of accounts)
          await gateway.waitFor(new RegExp(`\\[multi-openim\\] ${a.accountId}: running`), timeoutMs);
        return gateway;
      },
      /** Starts OpenClaw's crash-loop breaker held back, which the soak then started by hand. */
      breakerStarts: () => breakerStarts,
      output: () => gateways.map((g) => g.output).join("\n"),
      async stop(): Promise<void> {
        for (const gateway of gateways) await gateway.stop().catch(() => gateway.kill9());
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

export type SoakStack = Awaited<ReturnType<typeof startSoakStack>>;
