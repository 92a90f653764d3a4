// Where a gateway start spends CPU on this plugin, from a CPU profile of the gateway process:
//   node packages/bench/src/bench/gateway-start-step.ts 1 --cpu-prof /tmp/prof
//   node packages/bench/src/bench/plugin-load-profile.ts /tmp/prof/<largest>.cpuprofile
// Rows are OpenClaw's reasons to load the plugin (doctor contract, the doctor's state-migration check
// loading the setup entry, the gateway's plugins, the agent runtime's registry) and startAccount; columns
// split each into OpenClaw copying the plugin into its capture folder, compiling modules, and our code.
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROWS = [
  "loadPluginDoctorContractModule",
  "loadLegacyChannelStateMigrationDetector",
  "loadGatewayPlugins",
  "loadAgentRuntimePluginRegistryHandle",
  "startAccount",
];
const COLUMNS: [string, (frame: CallFrame) => boolean][] = [
  ["capture copy", (f) => f.functionName === "capturePluginGenerationArtifact"],
  ["compile", (f) => f.functionName === "compileSourceTextModule"],
  ["plugin code", (f) => /\/plugin\/dist\//.test(f.url) && !f.url.includes("/openclaw/")],
];

export function pluginLoadCosts(profile: Profile): Map<string, Map<string, number>> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const table = new Map<string, Map<string, number>>();
  profile.samples.forEach((sample, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const stack: CallFrame[] = [];
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id))
      stack.push((byId.get(id) as ProfileNode).callFrame);
    const row = ROWS.find((name) => stack.some((f) => f.functionName === name));
    if (!row) return;
    const column = COLUMNS.find(([, match]) => stack.some(match))?.[0] ?? "other OpenClaw";
    const cells = table.get(row) ?? new Map<string, number>();
    cells.set(column, (cells.get(column) ?? 0) + ms);
    cells.set("total", (cells.get("total") ?? 0) + ms);
    table.set(row, cells);
  });
  return table;
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) throw new Error("[bench] usage: plugin-load-profile.ts <file.cpuprofile>");
  const table = pluginLoadCosts(JSON.parse(readFileSync(file, "utf8")) as Profile);
  const columns = ["total", ...COLUMNS.map(([name]) => name), "other OpenClaw"];
  console.log(["CPU ms".padEnd(42), ...columns.map((c) => c.padStart(15))].join(""));
  for (const row of ROWS) {
    const cells = table.get(row);
    if (cells)
      console.log(
        [row.padEnd(42), ...columns.map((c) => (cells.get(c) ?? 0).toFixed(0).padStart(15))].join(""),
      );
  }
}
