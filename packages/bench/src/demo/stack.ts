import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { echoAnswer } from "./echo-model.ts";
import {
  freePort,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawEnv,
  PLUGIN_DIR,
  startFakeModel,
  startRefreshServer,
  textOf,
  writeGatewayConfig,
} from "./harness.ts";

export interface AccountSpec {
  id: string;
  token: string;
  wsAddr: string;
  apiAddr: string;
}

/**
 * A real headless OpenClaw gateway (loopback, no auth) with this repo's plugin loaded from disk, the
 * echo model as its only provider, and the given accounts; a token refresh endpoint when a mint is given.
 */
export async function startGatewayStack(options: {
  accounts: (refreshEndpoint?: string) => Promise<AccountSpec[]> | AccountSpec[];
  mint?: (accountId: string) => string;
}) {
  const root = await mkdtemp(join(tmpdir(), "multi-openim-demo-"));
  const model = await startFakeModel(echoAnswer(textOf));
  const refresh = options.mint ? await startRefreshServer(options.mint) : undefined;
  const accounts = await options.accounts(refresh?.endpoint);
  const port = await freePort();
  const env = await openclawEnv(root);
  const configPath = env.OPENCLAW_CONFIG_PATH as string;
  const config = gatewayConfig({
    port,
    modelBaseUrl: model.baseUrl,
    pluginDir: PLUGIN_DIR,
    provider: "demo",
    channel: {
      tokenRefresh: refresh
        ? { mode: "http", http: { endpoint: refresh.endpoint, responseTokenPath: "token" } }
        : { mode: "off" },
      // Loopback devservers with made-up users: open DMs (the default, pairing, would answer with a code).
      dmPolicy: "open",
      accounts: Object.fromEntries(
        accounts.map((a) => [a.id, { token: a.token, wsAddr: a.wsAddr, apiAddr: a.apiAddr }]),
      ),
    },
  });
  await writeGatewayConfig(configPath, config);
  const [cmd, args] = gatewayRunArgs(port);
  let gateway = new GatewayProcess(cmd, args, env);
  let relaunches = 0;
  const LOAD_FAILED = /\[plugins\] multi-openim-channel failed during load[^\n]*/;

  /**
   * Waits for `pattern` in the gateway's output. OpenClaw refuses a plugin whose files change while it
   * loads them ("Plugin source changed …"): in a working tree where packages/plugin is being rebuilt,
   * the gateway is started again (twice at most) instead of waiting for a plugin that never comes.
   */
  const waitFor = async (pattern: RegExp, timeoutMs: number): Promise<void> => {
    for (;;) {
      let settled = false;
      const current = gateway;
      const broken = (async () => {
        while (!settled) {
          const failure = LOAD_FAILED.exec(current.output);
          if (failure) throw new Error(`[demo] the gateway could not load the plugin: ${failure[0]}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      broken.catch(() => undefined); // the race reports it; a late rejection must not go unhandled
      try {
        await Promise.race([current.waitFor(pattern, timeoutMs), broken]);
        return;
      } catch (error) {
        if (!LOAD_FAILED.test(current.output) || relaunches >= 2) throw error;
        relaunches += 1;
        await current.stop();
        gateway = new GatewayProcess(cmd, args, env);
      } finally {
        settled = true;
      }
    }
  };
  return {
    root,
    env,
    waitFor,
    port,
    configPath,
    get gateway() {
      return gateway;
    },
    get relaunches() {
      return relaunches;
    },
    model,
    refresh,
    accounts,
    async stop(keepRoot = false) {
      await gateway.stop();
      await Promise.all([model.close(), refresh?.close()]);
      if (!keepRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

/** Two "OpenIM servers", a bot on each, humans and a group on server A. */
export async function startTwoServers() {
  const [a, b] = (await Promise.all([startDevServer(), startDevServer()])) as [DevServer, DevServer];
  a.registerUser("bot_a", { nickname: "Bot A" });
  a.registerUser("alice", { nickname: "Alice" });
  a.registerUser("carol", { nickname: "Carol" });
  a.createGroup("team", ["bot_a", "alice", "carol"], { groupName: "Team" });
  b.registerUser("bot_b", { nickname: "Bot B" });
  b.registerUser("bob", { nickname: "Bob" });
  return { a, b, close: () => Promise.all([a.close(), b.close()]) };
}
