// `pnpm test:faults`: the whole reliability suite; exits 1 on any loss, duplicate, leak or non-recovery.
// `--no-gateway` leaves out the real-gateway rows (kill -9, the soak), for a quick run while editing.
import { ensureBuilt } from "../ensure-built.ts";
import { quietConsole, say } from "../quiet-console.ts";
import { report, verdict } from "./report.ts";

ensureBuilt(); // before the packages' dist is imported below
const { guardSdkRejections } = await import("@multi-openim/client");
await import("../ts-resolve.ts"); // the kill -9 rows load the plugin's e2e harness sources
const { fullSuite, inProcessFaults, runFaults, soakRuns } = await import("./suite.ts");

const quick = process.argv.includes("--no-gateway");
// `--soak`: only the soak (a real gateway, two accounts, steady DMs while faults land; several minutes).
const soak = process.argv.includes("--soak");
const runs = soak ? soakRuns(say) : quick ? inProcessFaults() : fullSuite(say);
say(
  `multi-openim fault suite (${soak ? "the soak only" : quick ? "without the real-gateway rows" : "full"}: ${runs.length} runs, one at a time)`,
);
const began = performance.now();
const quiet = quietConsole();
const releaseGuard = guardSdkRejections(() => undefined);
const rows = await runFaults(runs, (row) =>
  say(`  ${verdict(row).padEnd(9)} ${row.fault} (${((performance.now() - began) / 1000).toFixed(0)} s)`),
);
releaseGuard();
quiet.restore();
const { text, failed } = report(rows);
say(`\n${text}`);
process.exit(failed > 0 ? 1 : 0);
