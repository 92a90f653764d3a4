// Import after ../ts-resolve.ts under plain Node: the plugin's e2e harness sources import each other by ".js".
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevServer } from "@multi-openim/devserver";
import {
  type ChatMessage,
  freePort,
  freshToken,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawEnv,
  readJournalFile,
  snapshotPlugin,
  startFakeModel,
  textOf,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import { startHeldMedia } from "./held-media.ts";

const ACCOUNT = "k";
const MARKER = /(WARM|KILL[AB])-\w+/;

/**
 * The real path for kill -9: one devserver, a headless OpenClaw gateway with a snapshot of the built
 * plugin and one account, a scripted model and a file server that both stall on their first request
 * for a marked message, so a SIGKILL can land inside a turn. `start()` launches the gateway again on the
 * same config and state dir, as a supervisor would after a crash.
 */
export async function startKillStack() {
  const root = await mkdtemp(join(tmpdir(), "mo-kill-"));
  // Whatever started is closed again if a later step of the setup fails.
  const closers: (() => Promise<unknown>)[] = [() => rm(root, { recursive: true, force: true })];
  try {
    return await setup(root, closers);
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

async function setup(root: string, closers: (() => Promise<unknown>)[]) {
  const dev = await startDevServer();
  closers.push(() => dev.close());
  for (const user of ["kill-bot", "warm", "human-a", "human-b"]) dev.registerUser(user, { nickname: user });
  const token = freshToken(dev, "kill-bot");
  const media = await startHeldMedia();
  closers.push(() => media.close());
  const calls = new Map<string, number>();
  // The model stalls the first time it is asked about KILLB (the turn is in OpenClaw's hands, no reply
  // yet); every other request is answered at once with the marker it was asked about.
  const model = await startFakeModel((messages: ChatMessage[]) => {
    const last = messages.findLast((m) => m.role === "user" && MARKER.test(textOf(m)));
    const marker = last ? (MARKER.exec(textOf(last))?.[0] ?? "") : "";
    const n = (calls.get(marker) ?? 0) + 1;
    calls.set(marker, n);
    if (marker.startsWith("KILLB") && n === 1) return { hang: true as const };
    return { text: `ACK ${marker || "(no marker)"}` };
  });
  closers.push(() => model.close());
  const pluginDir = await snapshotPlugin(root);
  const port = await freePort();
  const env = await openclawEnv(root);
  const config = gatewayConfig({
    port,
    modelBaseUrl: model.baseUrl,
    pluginDir,
    channel: {
      tokenRefresh: { mode: "off" },
      dmPolicy: "open", // 0.1.0's open DMs: the rows count answers, not pairing codes
      // The held attachment's server stands in for object storage on the OpenIM host: trusted by host:port.
      mediaAllowHosts: [new URL(media.url("x")).host],
      accounts: { [ACCOUNT]: { token, wsAddr: dev.wsAddr, apiAddr: dev.apiAddr } },
    },
  });
  await writeGatewayConfig(env.OPENCLAW_CONFIG_PATH as string, config);
  const gateways: GatewayProcess[] = [];

  return {
    dev,
    media,
    /** Every token issued in this run (the bot's only one: refresh is off). */
    tokens: [token],
    modelCalls: (marker: string) => calls.get(marker) ?? 0,
    gateways,
    /** Starts a gateway (in its own process group) and waits until the account runs. */
    async start(timeoutMs: number): Promise<GatewayProcess> {
      const [cmd, args] = gatewayRunArgs(port);
      const gateway = new GatewayProcess(cmd, args, env);
      gateways.push(gateway);
      await gateway.waitFor(new RegExp(`\\[multi-openim\\] ${ACCOUNT}: running`), timeoutMs);
      return gateway;
    },
    /** The plugin's inbound journal, as packages/plugin's journalPath() places it under the state dir. */
    async journalStates(): Promise<Map<string, string>> {
      const file = join(env.OPENCLAW_STATE_DIR as string, "multi-openim", `inbound-${ACCOUNT}.json`);
      return new Map([...(await readJournalFile(file))].map(([id, e]) => [id, e.state]));
    },
    output: () => gateways.map((g) => g.output).join("\n"),
    /** Every gateway's process group is ended (SIGTERM, SIGKILL after 10 s), then the servers and files. */
    async stop(): Promise<void> {
      for (const gateway of gateways) await gateway.stop().catch(() => gateway.kill9());
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}

export type KillStack = Awaited<ReturnType<typeof startKillStack>>;
