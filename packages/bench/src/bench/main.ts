// `pnpm bench`: loopback only, bounded; prints tables and writes bench/results.json at the repo root.
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { guardSdkRejections } from "@multi-openim/client";
import { describeMachine } from "../machine.ts";
import { massExpiry } from "../mass-expiry.ts";
import { quietConsole, say } from "../quiet-console.ts";
import { fmt } from "../stats.ts";
import { renderTable } from "../table.ts";
import { runClientBench } from "./client-bench.ts";
import { coldImport } from "./cold-import.ts";
import type { GatewayLatency } from "./gateway-latency.ts";
import type { GatewayStart } from "./gateway-start.ts";
import { goalRows, ratios } from "./goals.ts";
import { benchPaths } from "./paths.ts";
import { benchReconnect } from "./reconnect.ts";
import { benchRefreshFleet } from "./refresh-fleet.ts";
import { benchScale } from "./scale.ts";
import { redisLeaseTakeoverMs, startLocalRedis } from "./takeover.ts";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  rounds: env("BENCH_LATENCY_ROUNDS", 100),
  burst: env("BENCH_BURST", 300),
  // One-way counts: at ~10,000 msg/s a phase of 1,000 messages lasted 0.1 s, too short to tell 5 % apart.
  inbound: env("BENCH_INBOUND", 3000),
  outbound: env("BENCH_OUTBOUND", 1000),
  passes: env("BENCH_PASSES", 5),
  recoveryRounds: env("BENCH_ROUNDS", 10),
  massAccounts: env("BENCH_MASS_ACCOUNTS", 50),
  fleetAccounts: env("BENCH_FLEET_ACCOUNTS", 50),
  fleetProcesses: env("BENCH_FLEET_PROCESSES", 3),
  importRuns: env("BENCH_IMPORT_RUNS", 5),
  gatewayRounds: env("BENCH_GATEWAY_ROUNDS", 10), // 0 skips the real gateway
  gatewayStartRuns: env("BENCH_GATEWAY_START_RUNS", 3), // 0 skips gateway start alone vs with the plugin
  reconnectRounds: env("BENCH_RECONNECT_ROUNDS", 10),
  scaleCounts: (process.env.BENCH_SCALE ?? "1,10,50,200,1000").split(",").map(Number),
};
const RESULTS = fileURLToPath(new URL("../../../../bench/results.json", import.meta.url));

const began = performance.now();
const machine = describeMachine();
say(`multi-openim bench — ${machine.nproc} × ${machine.model}, Node ${machine.node}, ${machine.memGiB} GiB`);
const step = (name: string) => say(`… ${name} (${((performance.now() - began) / 1000).toFixed(0)} s)`);
const quiet = quietConsole();
const releaseGuard = guardSdkRejections(() => undefined);

step("cold import of the plugin");
const imports = await coldImport(settings.importRuns);
step("bare SDK vs client vs plugin (runtime double)");
const paths = await benchPaths(settings);
step(`${settings.reconnectRounds} dropped connections, one at a time`);
const reconnect = await benchReconnect(settings.reconnectRounds);
step(`${settings.scaleCounts.join(", ")} accounts on 5 devservers, each with a restart of all servers`);
const scale = await benchScale(settings.scaleCounts);
step(`${settings.massAccounts} simultaneous expiries`);
const mass = await massExpiry(settings.massAccounts, 5);
step(
  `${settings.fleetAccounts} accounts × ${settings.fleetProcesses} processes expiring together; lease takeover after SIGKILL`,
);
const redis = await startLocalRedis().catch(() => undefined);
const fleet = await benchRefreshFleet(settings.fleetAccounts, settings.fleetProcesses, redis?.url).catch(
  (error: Error) => ({ error: error.message.split("\n")[0] as string }),
);
const redisTakeover = redis
  ? await redisLeaseTakeoverMs(redis.url).catch((error: Error) => ({ error: error.message }))
  : { error: "redis-server is not installed (scripts/ensure-system-deps.sh installs it)" };
redis?.stop();
step("the client package's own benchmark (bare SDK vs client, recovery)");
const clientBench = await runClientBench({
  inbound: settings.inbound,
  outbound: settings.outbound,
  rounds: settings.recoveryRounds,
  passes: settings.passes,
});
let gateway: GatewayLatency | undefined;
let gatewayError: string | undefined;
if (settings.gatewayRounds > 0) {
  step("echo round trips through a real OpenClaw gateway");
  await import("../ts-resolve.ts");
  const { gatewayLatency } = await import("./gateway-latency.ts");
  // The gateway loads the plugin from packages/plugin/dist: report a failure there, keep the other figures.
  gateway = await gatewayLatency(settings.gatewayRounds).catch((error: Error) => {
    gatewayError = error.message.split("\n")[0];
    return undefined;
  });
}
let gatewayStart: GatewayStart | undefined;
let gatewayStartError: string | undefined;
if (settings.gatewayStartRuns > 0) {
  step(
    `gateway start alone, with the plugin and two accounts, and with a do-nothing channel plugin (${settings.gatewayStartRuns} each, in turn)`,
  );
  await import("../ts-resolve.ts");
  const { gatewayStart: measureStart } = await import("./gateway-start.ts");
  const { withFloorPlugin } = await import("./floor-plugin.ts");
  gatewayStart = await withFloorPlugin((comparePluginDir) =>
    measureStart(settings.gatewayStartRuns, { comparePluginDir }),
  ).catch((error: Error) => {
    gatewayStartError = error.message.split("\n")[0];
    return undefined;
  });
}
releaseGuard();
quiet.restore();
const totalSec = (performance.now() - began) / 1000;

const [bare, client, plugin] = paths.paths;
const ratio = (x: number, base: number) => (Number.isFinite(x / base) ? `${(x / base).toFixed(2)}×` : "–");
/** One message path's row: one-way rates, echo latency, burst rate and its ratio to the bare SDK's. */
const pathRow = (name: string, inbound: number, outbound: number, path: NonNullable<typeof bare>) => [
  name,
  fmt(inbound),
  fmt(outbound),
  fmt(path.echo.p50),
  fmt(path.echo.p95),
  fmt(path.burstPerSec),
  ratio(path.burstPerSec, bare!.burstPerSec),
];
say("\nMessage paths (one devserver; echo = a human's DM until the bot's reply is stored)");
say(
  renderTable(
    [
      "path",
      "inbound msg/s",
      "outbound msg/s",
      "echo p50 ms",
      "echo p95 ms",
      "echo burst msg/s",
      "burst vs bare",
    ],
    [
      pathRow("bare SDK", clientBench.inbound.bare, clientBench.outbound.bare, bare!),
      pathRow("client", clientBench.inbound.client, clientBench.outbound.client, client!),
      pathRow("plugin + runtime double", paths.plugin.inboundPerSec, paths.plugin.outboundPerSec, plugin!),
      ...(gateway
        ? [["plugin in a real gateway", "", "", fmt(gateway.echo.p50), fmt(gateway.echo.p95), "", ""]]
        : []),
    ],
  ),
);
say(
  `ratios to the bare SDK — inbound: client ${ratio(clientBench.inbound.client, clientBench.inbound.bare)}, plugin ${ratio(paths.plugin.inboundPerSec, clientBench.inbound.bare)}; ` +
    `outbound: client ${ratio(clientBench.outbound.client, clientBench.outbound.bare)}, plugin ${ratio(paths.plugin.outboundPerSec, clientBench.outbound.bare)}; ` +
    `echo p50: client ${ratio(client!.echo.p50, bare!.echo.p50)}, plugin ${ratio(plugin!.echo.p50, bare!.echo.p50)}`,
);
say(
  `(inbound ${settings.inbound} / outbound ${settings.outbound} messages; bare and client one-way figures from client-vs-bare.ts run in this bench, plugin beside a bare SDK in this process, medians of ${settings.passes} passes, a new conversation each; ${settings.rounds} echo round trips per path, bursts of ${settings.burst})`,
);
say("\nAccounts on 5 devservers (a fresh process per row, client AccountPool)");
say(
  renderTable(
    [
      "accounts",
      "connected",
      "until all connected ms",
      "RSS per account MiB",
      "lag p99 connecting ms",
      "restart: all back ms",
      "most back in 100 ms",
      "lag p99 in the storm ms",
    ],
    scale.map((s) => [
      String(s.accounts),
      String(s.connected),
      fmt(s.connectedMs),
      fmt(s.rssPerAccountMiB),
      fmt(s.connectLagP99Ms),
      fmt(s.storm?.allBackMs),
      s.storm ? String(s.storm.maxPer100ms) : "–",
      fmt(s.storm?.lagP99Ms),
    ]),
  ),
);
say("\nToken expiry");
say(
  renderTable(
    ["measure", "value"],
    [
      [
        `recovery after expiry, ${clientBench.recovery.rounds} rounds: expiry→connected p50 / p95 ms`,
        `${clientBench.recovery.expiryToConnected.p50} / ${clientBench.recovery.expiryToConnected.p95}`,
      ],
      [
        "recovery: token event→connected p50 / p95 ms",
        `${clientBench.recovery.eventToConnected.p50} / ${clientBench.recovery.eventToConnected.p95}`,
      ],
      [
        `${mass.accounts} simultaneous expiries: HTTP refresh calls (refreshes, attempts)`,
        `${mass.refreshCalls} (${mass.refreshesSucceeded}, ${mass.refreshAttempts})`,
      ],
      [
        `${mass.accounts} simultaneous expiries: recovered, p50 / p95 / all ms`,
        `${mass.recovered}, ${fmt(mass.recovery.p50)} / ${fmt(mass.recovery.p95)} / ${fmt(mass.allRecoveredMs)}`,
      ],
      [
        `${mass.accounts} simultaneous expiries: DMs sent / received / duplicates`,
        `${mass.sent} / ${mass.received} / ${mass.duplicates}`,
      ],
    ],
  ),
);
say(
  `\nRefresh fleet: ${settings.fleetAccounts} accounts × ${settings.fleetProcesses} processes expiring together, rotating refresh tokens`,
);
if ("error" in fleet) say(`not measured (${fleet.error})`);
else
  say(
    renderTable(
      [
        "shared by",
        "HTTP refresh calls",
        "refused (token reused)",
        "failed refreshes",
        "working token p50 / max ms",
        "rotated tokens kept",
      ],
      fleet.rows.map((row) => [
        row.mode === "redis" ? "Redis store" : row.mode === "lock" ? "file lock" : "nothing (no lock)",
        String(row.httpCalls),
        String(row.refused),
        String(row.failedRefreshes),
        `${fmt(row.p50Ms)} / ${fmt(row.maxMs)}`,
        `${row.rotatedTokensKept} / ${settings.fleetAccounts}`,
      ]),
    ),
  );
say(
  renderTable(
    ["lease takeover after the holder's SIGKILL", "ms"],
    [
      [
        "file lease (proper-lockfile, stale 2000 ms)",
        "error" in fleet ? "–" : fmt(fleet.fileLeaseTakeoverMs),
      ],
      [
        "Redis lease (TTL 2000 ms)",
        typeof redisTakeover === "number" ? fmt(redisTakeover) : `– (${redisTakeover.error})`,
      ],
    ],
  ),
);
say(
  `\nCold import of ${imports.entry.replace(/.*packages\//, "packages/")} (${imports.n} fresh processes): p50 ${fmt(imports.p50)} ms, p95 ${fmt(imports.p95)} ms; ` +
    `after openclaw/plugin-sdk/channel-core (what a gateway pays): p50 ${fmt(imports.afterHost.p50)} ms, p95 ${fmt(imports.afterHost.p95)} ms`,
);
if (gatewayStart)
  say(
    `Gateway start to "[gateway] ready" (median of ${gatewayStart.runs}, started in turn): alone ${fmt(gatewayStart.alone)} ms, ` +
      `with the plugin and two accounts ${fmt(gatewayStart.withPlugin)} ms (${ratio(gatewayStart.withPlugin, gatewayStart.alone)}, ${gatewayStart.deltaMs >= 0 ? "+" : ""}${fmt(gatewayStart.deltaMs)} ms)` +
      (gatewayStart.compare
        ? `, with a do-nothing channel plugin ${fmt(gatewayStart.compare.withPlugin)} ms (${gatewayStart.compare.deltaMs >= 0 ? "+" : ""}${fmt(gatewayStart.compare.deltaMs)} ms: OpenClaw's own cost of a channel plugin)`
        : "") +
      (gatewayStart.cpu
        ? `; CPU until ready alone ${fmt(gatewayStart.cpu.alone)} ms, with the plugin +${fmt(gatewayStart.cpu.withPlugin - gatewayStart.cpu.alone)} ms` +
          (gatewayStart.cpu.compare !== undefined
            ? `, with the do-nothing plugin +${fmt(gatewayStart.cpu.compare - gatewayStart.cpu.alone)} ms`
            : "")
        : ""),
  );
say(
  `Dropped connection → connected again (${reconnect.dropToConnected.n} drops): p50 ${fmt(reconnect.dropToConnected.p50)} ms, p95 ${fmt(reconnect.dropToConnected.p95)} ms (the SDK alone waits a fixed 5 s)`,
);

if (gateway)
  say(
    `Real gateway (OpenClaw + plugin + echo model, ${gateway.echo.n} round trips): ready in ${fmt(gateway.gatewayReadyMs)} ms, first reply ${fmt(gateway.firstReplyMs)} ms; echo p50 ${ratio(gateway.echo.p50, bare!.echo.p50)} the bare SDK's (the agent turn dominates)`,
  );
if (gatewayError) say(`Real gateway: not measured (${gatewayError})`);
if (gatewayStartError) say(`Gateway start: not measured (${gatewayStartError})`);
const goalInputs = {
  clientBench,
  plugin: paths.plugin,
  imports,
  reconnect,
  scale,
  ...(gatewayStart ? { gatewayStart } : {}),
};
say("\nIssue 22's figures, this run");
say(renderTable(["figure", "measured", "goal", "met"], goalRows(goalInputs)));
const results = {
  at: new Date().toISOString(),
  ratios: ratios(goalInputs),
  machine,
  settings,
  totalSec,
  imports,
  paths,
  scale,
  reconnect,
  mass,
  fleet,
  redisTakeover,
  clientBench,
  gateway,
  gatewayStart,
  gatewayError,
  gatewayStartError,
};
await mkdir(fileURLToPath(new URL(".", `file://${RESULTS}`)), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
say(`\nwrote ${RESULTS} — whole run ${totalSec.toFixed(0)} s`);
process.exit(0);
