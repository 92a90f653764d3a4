import { createAccountClient } from "@multi-openim/client";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { accountOn, channelConfig, freshToken } from "@multi-openim/testkit";
import { startBareEchoBot } from "../bare-sdk.ts";
import { createPluginHost } from "../plugin-host.ts";
import { measurePhase, median, type Phase, type Spread, spread, waitUntil } from "../stats.ts";

export interface PathResult {
  path: "bare SDK" | "client" | "plugin (runtime double)";
  echo: Spread;
  burstPerSec: number;
  burstSize: number;
}

export interface PathsResult {
  paths: PathResult[];
  plugin: {
    inboundPerSec: number;
    outboundPerSec: number;
    inbound: number;
    outbound: number;
    /** The bare SDK measured the same way in the same process, alternating with the plugin. */
    bareInboundPerSec: number;
    bareOutboundPerSec: number;
    /** Process CPU time per message (µs, in-process devserver included): robust to the machine's load. */
    cpuUsPerMsg: {
      inbound: { plugin: number; bare: number };
      outbound: { plugin: number; bare: number };
    };
    passes: number;
  };
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
  /** One-way passes (alternating bare / plugin); default 3. */
  passes?: number;
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
    await server
      .waitForMessage((m) => m.sendID === bot && m.text === `echo: ${text}`, 30_000)
      .catch((error: Error) => {
        throw new Error(`[bench] ${bot} did not echo "${text}" within 30 s: ${error.message}`);
      });
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

  // The plugin's one-way figures side by side with the bare SDK's, in this process on this devserver
  // (the ratio compares like with like): PASSES passes in alternating order, medians. Wall-clock rates
  // swing with the machine's load; the process's CPU time per message (devserver included) does not.
  host.echo.state.reply = false;
  bare.state.reply = false;
  const oneWay = {
    plugin: { in: [] as Phase[], out: [] as Phase[] },
    bare: { in: [] as Phase[], out: [] as Phase[] },
  };
  const inbound = (name: string, from: string, bot: string, count: () => number) =>
    measurePhase(name, options.inbound, async () => {
      const before = count();
      for (let i = 0; i < options.inbound; i++) server.sendAs(from, `user:${bot}`, `in ${i}`);
      await waitUntil(() => count() - before >= options.inbound, 120_000, 1);
    });
  // Each pass's inbound comes from a new human into a new conversation, warmed alike on both sides: the
  // bare SDK copies a conversation's whole cached history on every message (the client bounds that
  // cache), so one conversation growing pass after pass priced the bare SDK's cache, not our path.
  const pluginCount = () => host.echo.state.dispatched;
  const bareCount = () => bare.state.received;
  const newHuman = async (pass: number) => {
    const human = `human-in-${pass}`;
    server.registerUser(human);
    const [p, b] = [pluginCount(), bareCount()];
    server.sendAs(human, "user:plugin-bot", "warm");
    server.sendAs(human, "user:bare-bot", "warm");
    await waitUntil(() => pluginCount() > p && bareCount() > b, 30_000, 1);
    await bare.listConversations();
    return human;
  };
  const outbound = (name: string, send: (i: number) => Promise<unknown>) =>
    measurePhase(name, options.outbound, async () => {
      await Promise.all(Array.from({ length: options.outbound }, (_, i) => send(i)));
    });
  // Each pass's sends go to a new peer too, the conversation warmed by one send from each bot: in one
  // conversation every pass's sends grew the bare SDK's cached history, which it copies on each send.
  const newPeer = async (pass: number) => {
    const peer = `human-out-${pass}`;
    server.registerUser(peer);
    await host.sendText("p", `user:${peer}`, "warm");
    await bare.sendText(peer, "warm");
    return peer;
  };
  let human = "";
  let peer = "";
  const steps = {
    plugin: async () => {
      oneWay.plugin.in.push(await inbound("plugin-in", human, "plugin-bot", pluginCount));
      oneWay.plugin.out.push(
        await outbound("plugin-out", (i) => host.sendText("p", `user:${peer}`, `out ${i}`)),
      );
    },
    bare: async () => {
      oneWay.bare.in.push(await inbound("bare-in", human, "bare-bot", bareCount));
      oneWay.bare.out.push(await outbound("bare-out", (i) => bare.sendText(peer, `out ${i}`)));
    },
  };
  const passes = options.passes ?? 3;
  for (let pass = 0; pass < passes; pass++) {
    human = await newHuman(pass);
    peer = await newPeer(pass);
    for (const step of pass % 2 ? [steps.plugin, steps.bare] : [steps.bare, steps.plugin]) await step();
  }
  const rate = (phases: Phase[]) => median(phases.map((p) => p.perSec));
  const cpu = (phases: Phase[]) => median(phases.map((p) => p.cpuUsPerMsg));
  const inboundPerSec = rate(oneWay.plugin.in);
  const outboundPerSec = rate(oneWay.plugin.out);

  await host.stopAll();
  await client.stop();
  bare.stop();
  await server.close();
  return {
    paths,
    plugin: {
      inboundPerSec,
      outboundPerSec,
      inbound: options.inbound,
      outbound: options.outbound,
      bareInboundPerSec: rate(oneWay.bare.in),
      bareOutboundPerSec: rate(oneWay.bare.out),
      cpuUsPerMsg: {
        inbound: { plugin: cpu(oneWay.plugin.in), bare: cpu(oneWay.bare.in) },
        outbound: { plugin: cpu(oneWay.plugin.out), bare: cpu(oneWay.bare.out) },
      },
      passes,
    },
  } satisfies PathsResult;
}
