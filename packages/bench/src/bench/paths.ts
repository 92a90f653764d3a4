import { createAccountClient } from "@multi-openim/client";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { accountOn, channelConfig, freshToken } from "@multi-openim/testkit";
import { startBareEchoBot } from "../bare-sdk.ts";
import { createPluginHost } from "../plugin-host.ts";
import { type Spread, spread, waitUntil } from "../stats.ts";

export interface PathResult {
  path: "bare SDK" | "client" | "plugin (runtime double)";
  echo: Spread;
  burstPerSec: number;
  burstSize: number;
}

export interface PathsResult {
  paths: PathResult[];
  plugin: { inboundPerSec: number; outboundPerSec: number; inbound: number; outbound: number };
}

const echoed = (server: DevServer, bot: string) => () =>
  server.messagesFor(bot).filter((m) => m.sendID === bot && m.text.startsWith("echo: burst")).length;

/**
 * Echo round trips on one devserver through three bots: the bare SDK, the client package, and the
 * plugin's channel with a runtime double. A human sends a DM and the bench waits for the stored reply:
 * latency is that round trip, one at a time, the three paths interleaved so they share the noise.
 */
export async function benchPaths(options: {
  rounds: number;
  burst: number;
  inbound: number;
  outbound: number;
}) {
  const server = await startDevServer();
  server.registerUser("human");
  const bare = await startBareEchoBot(accountOn(server, "bare-bot"));
  const client = createAccountClient(accountOn(server, "client-bot"), {
    tokenRefresher: { refresh: async (id) => ({ ok: true as const, token: freshToken(server, id) }) },
  });
  client.on("message", (m) => void client.sendText(m.target, `echo: ${m.text}`).catch(() => undefined));
  await client.start();
  const pluginBot = accountOn(server, "plugin-bot");
  const host = createPluginHost(
    channelConfig({ p: { token: pluginBot.token, wsAddr: server.wsAddr, apiAddr: server.apiAddr } }),
  );
  await host.start("p");

  const bots = [
    { path: "bare SDK", bot: "bare-bot" },
    { path: "client", bot: "client-bot" },
    { path: "plugin (runtime double)", bot: "plugin-bot" },
  ] as const;
  const roundTrip = async (bot: string, text: string) => {
    const started = performance.now();
    server.sendAs("human", `user:${bot}`, text);
    await server.waitForMessage((m) => m.sendID === bot && m.text === `echo: ${text}`, 30_000);
    return performance.now() - started;
  };
  for (const { bot } of bots) await roundTrip(bot, "warm"); // the first message creates the conversation
  const latencies = new Map<string, number[]>(bots.map((b) => [b.bot, []]));
  for (let i = 0; i < options.rounds; i++) {
    for (const { bot } of bots) latencies.get(bot)!.push(await roundTrip(bot, `lat ${i}`));
  }
  const paths: PathResult[] = [];
  for (const { path, bot } of bots) {
    const count = echoed(server, bot);
    const started = performance.now();
    for (let i = 0; i < options.burst; i++) server.sendAs("human", `user:${bot}`, `burst ${i}`);
    const ok = await waitUntil(() => count() >= options.burst, 120_000, 20);
    const secs = (performance.now() - started) / 1000;
    paths.push({
      path,
      echo: spread(latencies.get(bot)!),
      burstPerSec: ok ? options.burst / secs : Number.NaN,
      burstSize: options.burst,
    });
  }

  // The plugin's one-way figures, measured as the client's own benchmark measures the client and the SDK.
  host.echo.state.reply = false;
  const before = host.echo.state.dispatched;
  let started = performance.now();
  for (let i = 0; i < options.inbound; i++) server.sendAs("human", "user:plugin-bot", `in ${i}`);
  await waitUntil(() => host.echo.state.dispatched - before >= options.inbound, 120_000);
  const inboundPerSec = options.inbound / ((performance.now() - started) / 1000);
  await host.sendText("p", "user:human", "warm");
  started = performance.now();
  await Promise.all(
    Array.from({ length: options.outbound }, (_, i) => host.sendText("p", "user:human", `out ${i}`)),
  );
  const outboundPerSec = options.outbound / ((performance.now() - started) / 1000);

  await host.stopAll();
  await client.stop();
  bare.stop();
  await server.close();
  return {
    paths,
    plugin: { inboundPerSec, outboundPerSec, inbound: options.inbound, outbound: options.outbound },
  } satisfies PathsResult;
}
