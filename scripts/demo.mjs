// `pnpm demo [--keep] [--ws … --api … --token …]`: runs packages/bench's demo (it builds what it needs first).
// `pnpm demo -- --keep` (pnpm 10 passes the `--` on) is the same as `pnpm demo --keep`: main.ts drops it.
// The root script runs this with `exec`, so pnpm's child is this process and not a shell: a shell would
// die of Ctrl-C before the demo has cleaned up, and pnpm would report "ELIFECYCLE Command failed".
import { spawn } from "node:child_process";

// OpenClaw needs Node >= 24.16 (the workspace's own Node, which `pnpm demo` puts first on the PATH).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 24 || (major === 24 && minor < 16)) {
  process.stderr.write(
    `pnpm demo needs Node >= 24.16 (this is ${process.version}): run it as \`npx -y pnpm@10 demo\` after \`npx -y pnpm@10 install\`, which brings Node 24\n`,
  );
  process.exit(1);
}

const demo = spawn(process.execPath, ["packages/bench/src/demo/main.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
});
// Ctrl-C reaches the demo too (same process group): wait for its clean-up and pass on its exit code.
process.on("SIGINT", () => {});
// A SIGTERM for this process alone (pnpm passes one on when `npx` in front of it is interrupted) goes to
// the demo, which stops everything; dying here instead would make pnpm report "ELIFECYCLE Command failed".
process.on("SIGTERM", () => demo.kill("SIGTERM"));
demo.on("exit", (code) => process.exit(code ?? 1));
