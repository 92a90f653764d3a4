// The gateway-start row alone, for an idle machine (its figures mean nothing under load):
//   npx -y pnpm@10 exec node packages/bench/src/bench/gateway-start-step.ts [runs=3]
// The same headless OpenClaw gateway alone and with the plugin + two accounts, started in turn; prints
// each start, both medians and the difference. Loopback only.
import { loadavg } from "node:os";
import { describeMachine } from "../machine.ts";
import { gatewayStart } from "./gateway-start.ts";

const runs = Number(process.argv[2] ?? 3);
const machine = describeMachine();
const [load] = loadavg();
console.log(`${machine.nproc} × ${machine.model}, Node ${machine.node}; load average ${load!.toFixed(2)}`);
if (load! > machine.nproc * 0.25) console.log("warning: the machine is busy; the figures below are inflated");
const r = await gatewayStart(runs);
console.log(`alone:       ${r.aloneMs.map((ms) => ms.toFixed(0)).join(", ")} ms`);
console.log(`with plugin: ${r.withPluginMs.map((ms) => ms.toFixed(0)).join(", ")} ms`);
console.log(
  `median of ${r.runs}: alone ${r.alone.toFixed(0)} ms, with the plugin ${r.withPlugin.toFixed(0)} ms, ` +
    `difference ${r.deltaMs >= 0 ? "+" : ""}${r.deltaMs.toFixed(0)} ms (goal ≤ +1000 ms)`,
);
process.exit(0);
