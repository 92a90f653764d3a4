// The gateway-start row alone, for an idle machine (its figures mean nothing under load):
//   npx -y pnpm@10 exec node packages/bench/src/bench/gateway-start-step.ts [runs=3] [--compare <plugin dir>]
//     [--floor] [--plugin <plugin dir>] [--cpu-prof <dir>]
// The same headless OpenClaw gateway alone and with the plugin + two accounts, started in turn; prints
// each start, both medians and the difference. `--compare` adds another build of the plugin (a folder
// with dist/, package.json and openclaw.plugin.json, e.g. main's before a change) to every turn, so a
// before / after comparison comes from one run; `--floor` compares with a do-nothing channel plugin instead
// (floor-plugin.ts: OpenClaw's own cost of a channel plugin); `--plugin` replaces this workspace's build.
// Loopback only.
import { loadavg } from "node:os";
import { describeMachine } from "../machine.ts";
import { withFloorPlugin } from "./floor-plugin.ts";
import { gatewayStart } from "./gateway-start.ts";

const args = process.argv.slice(2);
const flagValue = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const floor = args.includes("--floor");
const pluginDir = flagValue("--plugin");
// Profiles of each counted start (read them with plugin-load-profile.ts); the timings then include the profiler.
const profileDir = flagValue("--cpu-prof");
const runs = Number(args.find((a, i) => /^\d+$/.test(a) && !/^--/.test(args[i - 1] ?? "")) ?? 3);
const machine = describeMachine();
const [load] = loadavg();
console.log(`${machine.nproc} × ${machine.model}, Node ${machine.node}; load average ${load!.toFixed(2)}`);
if (load! > machine.nproc * 0.25) console.log("warning: the machine is busy; the figures below are inflated");
const measure = (comparePluginDir: string | undefined) =>
  gatewayStart(runs, {
    ...(comparePluginDir ? { comparePluginDir } : {}),
    ...(pluginDir ? { pluginDir } : {}),
    ...(profileDir ? { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } } : {}),
  });
const r = floor ? await withFloorPlugin(measure) : await measure(flagValue("--compare"));
const list = (ms: number[]) => ms.map((m) => m.toFixed(0)).join(", ");
const signed = (ms: number) => `${ms >= 0 ? "+" : ""}${ms.toFixed(0)} ms`;
console.log(`alone:       ${list(r.aloneMs)} ms`);
console.log(`with plugin: ${list(r.withPluginMs)} ms`);
if (r.compare) console.log(`with ${r.compare.pluginDir}: ${list(r.compare.withPluginMs)} ms`);
console.log(
  `median of ${r.runs}: alone ${r.alone.toFixed(0)} ms, with the plugin ${r.withPlugin.toFixed(0)} ms, ` +
    `difference ${signed(r.deltaMs)} (goal ≤ +1000 ms)`,
);
if (r.compare)
  console.log(
    `               with ${r.compare.pluginDir} ${r.compare.withPlugin.toFixed(0)} ms, difference ${signed(r.compare.deltaMs)}`,
  );
if (r.cpu)
  console.log(
    `CPU until ready (medians, the figure load inflates least): alone ${r.cpu.alone} ms, with the plugin ` +
      `${r.cpu.withPlugin} ms (${signed(r.cpu.withPlugin - r.cpu.alone)})` +
      (r.cpu.compare !== undefined
        ? `, with ${r.compare?.pluginDir} ${r.cpu.compare} ms (${signed(r.cpu.compare - r.cpu.alone)})`
        : ""),
  );
process.exit(0);
