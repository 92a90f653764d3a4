import { report } from "./faults/report.ts";
import { fullSuite, runFaults } from "./faults/suite.ts";
import { quietConsole } from "./quiet-console.ts";

const all = fullSuite();
const pick = (process.env.PICK ?? "").split(",").map(Number);
const q = quietConsole();
const rows = await runFaults(pick.map((i) => all[i]!));
q.restore();
console.log(report(rows).text);
process.exit(0);
