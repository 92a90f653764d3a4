// The bench's "bare SDK vs client vs plugin (runtime double)" step alone, with the bench's own code
// (./paths.ts) and its default counts:
//   npx -y pnpm@10 exec node packages/bench/src/bench/paths-step.ts [path/to/plugin/dist/index.mjs]
// A dist path runs the step against that build instead of the workspace plugin's (before/after comparisons).
// Loopback only, bounded. Counts: BENCH_LATENCY_ROUNDS, BENCH_BURST, BENCH_INBOUND, BENCH_OUTBOUND, BENCH_PASSES.
import { register } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dist = process.argv[2];
if (dist) {
  const target = pathToFileURL(resolve(dist)).href;
  const hook = `export async function resolve(spec, ctx, next) {
    return spec === "multi-openim-channel" ? { url: ${JSON.stringify(target)}, shortCircuit: true } : next(spec, ctx);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
const { guardSdkRejections } = await import("@multi-openim/client");
const { quietConsole } = await import("../quiet-console.ts");
const { benchPaths } = await import("./paths.ts");

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const quiet = quietConsole();
const release = guardSdkRejections(() => undefined);
const result = await benchPaths({
  rounds: env("BENCH_LATENCY_ROUNDS", 100),
  burst: env("BENCH_BURST", 300),
  inbound: env("BENCH_INBOUND", 3000),
  outbound: env("BENCH_OUTBOUND", 1000),
  passes: env("BENCH_PASSES", 5),
});
release();
quiet.restore();
console.log(`plugin: ${dist ?? "the workspace plugin's dist"}`);
for (const p of result.paths) {
  console.log(
    `${p.path.padEnd(24)} echo p50 ${p.echo.p50.toFixed(1)} ms  p95 ${p.echo.p95.toFixed(1)} ms  burst ${p.burstPerSec.toFixed(0)} msg/s`,
  );
}
const {
  inboundPerSec,
  outboundPerSec,
  bareInboundPerSec,
  bareOutboundPerSec,
  cpuUsPerMsg: cpu,
} = result.plugin;
const x = (a: number, b: number) => (a / b).toFixed(2);
console.log(
  `one way, medians of ${result.plugin.passes} alternating passes — inbound msg/s: plugin ${inboundPerSec.toFixed(0)} bare ${bareInboundPerSec.toFixed(0)} (×${x(inboundPerSec, bareInboundPerSec)}); ` +
    `outbound msg/s: plugin ${outboundPerSec.toFixed(0)} bare ${bareOutboundPerSec.toFixed(0)} (×${x(outboundPerSec, bareOutboundPerSec)})`,
);
console.log(
  `CPU µs/msg (process, devserver included) — inbound: plugin ${cpu.inbound.plugin.toFixed(0)} bare ${cpu.inbound.bare.toFixed(0)} (×${x(cpu.inbound.bare, cpu.inbound.plugin)}); ` +
    `outbound: plugin ${cpu.outbound.plugin.toFixed(0)} bare ${cpu.outbound.bare.toFixed(0)} (×${x(cpu.outbound.bare, cpu.outbound.plugin)})`,
);
// A registered resolve hook keeps the loader thread alive: leave explicitly.
process.exit(0);
