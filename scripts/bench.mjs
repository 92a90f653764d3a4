// `pnpm bench`: builds what the bench imports if needed, then runs packages/bench (see its README).
import { spawnSync } from "node:child_process";
import { ensureBuilt } from "../packages/bench/src/ensure-built.ts";

ensureBuilt();
const run = spawnSync(process.execPath, ["packages/bench/src/bench/main.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
