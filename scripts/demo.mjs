// `pnpm demo [--keep] [--ws … --api … --token …]`: runs packages/bench's demo (it builds what it needs first).
import { spawnSync } from "node:child_process";

// Ctrl-C reaches the demo too (same process group): wait for its clean-up and pass on its exit code.
process.on("SIGINT", () => {});

const run = spawnSync(process.execPath, ["packages/bench/src/demo/main.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
