// The issue-22 table: every figure of one `pnpm bench` run side by side with its goal, and the ratios
// results.json carries so that a change shows up as one diff.
import { fmt } from "../stats.ts";
import type { ClientBenchResult } from "./client-bench.ts";
import type { ImportCost } from "./cold-import.ts";
import type { GatewayStart } from "./gateway-start.ts";
import type { ReconnectFigures } from "./reconnect.ts";
import type { ScaleResult } from "./scale.ts";

export interface GoalInputs {
  clientBench: ClientBenchResult;
  plugin: {
    inboundPerSec: number;
    outboundPerSec: number;
    /** The bare SDK beside the plugin in the same process (paths.ts); else the client bench's figure. */
    bareInboundPerSec?: number;
    bareOutboundPerSec?: number;
    cpuUsPerMsg?: { inbound: { plugin: number; bare: number }; outbound: { plugin: number; bare: number } };
  };
  imports: ImportCost;
  reconnect: ReconnectFigures;
  scale: ScaleResult[];
  gatewayStart?: GatewayStart;
}

const r2 = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

/** Ratios to the bare SDK (and of the gateway with the plugin to it alone), rounded to 2 places. */
export function ratios(g: GoalInputs) {
  const { inbound, outbound, cpuUsPerMsg: clientCpu } = g.clientBench;
  const pluginCpu = g.plugin.cpuUsPerMsg;
  return {
    inbound: {
      clientVsBare: r2(inbound.client / inbound.bare),
      pluginVsBare: r2(g.plugin.inboundPerSec / (g.plugin.bareInboundPerSec ?? inbound.bare)),
      // Throughput as CPU allows it (bare µs per message ÷ ours): what the ratio is on an idle machine.
      clientVsBareCpu: clientCpu ? r2(clientCpu.inbound.bare / clientCpu.inbound.client) : null,
      pluginVsBareCpu: pluginCpu ? r2(pluginCpu.inbound.bare / pluginCpu.inbound.plugin) : null,
    },
    outbound: {
      clientVsBare: r2(outbound.client / outbound.bare),
      pluginVsBare: r2(g.plugin.outboundPerSec / (g.plugin.bareOutboundPerSec ?? outbound.bare)),
      clientVsBareCpu: clientCpu ? r2(clientCpu.outbound.bare / clientCpu.outbound.client) : null,
      pluginVsBareCpu: pluginCpu ? r2(pluginCpu.outbound.bare / pluginCpu.outbound.plugin) : null,
    },
    gatewayStart: g.gatewayStart
      ? {
          withPluginVsAlone: r2(g.gatewayStart.withPlugin / g.gatewayStart.alone),
          ...(g.gatewayStart.compare
            ? { doNothingPluginVsAlone: r2(g.gatewayStart.compare.withPlugin / g.gatewayStart.alone) }
            : {}),
        }
      : null,
  };
}

/** Rows: figure, measured, goal, met. */
export function goalRows(g: GoalInputs): string[][] {
  const q = ratios(g);
  const yes = (ok: boolean) => (ok ? "yes" : "no");
  const big = [...g.scale].sort((a, b) => b.accounts - a.accounts)[0];
  const rows: string[][] = [];
  if (g.gatewayStart) {
    const s = g.gatewayStart;
    rows.push([
      `gateway start to ready, alone vs plugin + 2 accounts (median of ${s.runs})`,
      `${fmt(s.alone)} vs ${fmt(s.withPlugin)} ms (×${q.gatewayStart?.withPluginVsAlone}, ${s.deltaMs >= 0 ? "+" : ""}${fmt(s.deltaMs)} ms` +
        (s.compare
          ? `; a do-nothing channel plugin ${s.compare.deltaMs >= 0 ? "+" : ""}${fmt(s.compare.deltaMs)} ms)`
          : ")"),
      "plugin ≤ alone + 1000 ms",
      yes(s.deltaMs <= 1000),
    ]);
  }
  rows.push([
    "inbound msg/s, client ÷ bare / plugin ÷ bare (by CPU per message)",
    `${q.inbound.clientVsBare} / ${q.inbound.pluginVsBare} (${q.inbound.clientVsBareCpu} / ${q.inbound.pluginVsBareCpu})`,
    "≥ 0.95 / ≥ 0.90",
    yes((q.inbound.clientVsBare ?? 0) >= 0.95 && (q.inbound.pluginVsBare ?? 0) >= 0.9),
  ]);
  rows.push([
    "outbound msg/s, plugin ÷ bare (by CPU per message)",
    `${q.outbound.pluginVsBare} (${q.outbound.pluginVsBareCpu})`,
    "≥ 0.90",
    yes((q.outbound.pluginVsBare ?? 0) >= 0.9),
  ]);
  rows.push([
    "import of the plugin's dist after channel-core, p50",
    `${fmt(g.imports.afterHost.p50)} ms`,
    "≤ 100 ms",
    yes(g.imports.afterHost.p50 <= 100),
  ]);
  rows.push([
    "dropped connection → connected, p50",
    `${fmt(g.reconnect.dropToConnected.p50)} ms`,
    "≤ 1000 ms",
    yes(g.reconnect.dropToConnected.p50 <= 1000),
  ]);
  if (big) {
    const storm = big.storm;
    rows.push([
      `${big.accounts} accounts in one process: all connected / RSS each / lag p99 in the reconnect storm`,
      `${fmt(big.connectedMs)} ms / ${fmt(big.rssPerAccountMiB)} MiB / ${storm ? `${fmt(storm.lagP99Ms)} ms` : "–"}`,
      "1000: ≤ 10 s / ≤ 2 MiB / ≤ 50 ms",
      yes(
        big.accounts >= 1000 &&
          big.connected === big.accounts &&
          big.connectedMs <= 10_000 &&
          big.rssPerAccountMiB <= 2 &&
          (storm?.lagP99Ms ?? Number.POSITIVE_INFINITY) <= 50,
      ),
    ]);
  }
  return rows;
}
