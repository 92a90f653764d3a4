// The bench, the fault suite and the demo import the packages' built dist: build them once on a fresh clone.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const NEEDED = ["core", "token-refresh", "friend-guard", "client", "devserver", "mcp-tools", "cli", "plugin"];

export function ensureBuilt(): void {
  const missing = NEEDED.filter((dir) => !existsSync(`${ROOT}/packages/${dir}/dist/index.mjs`));
  if (missing.length === 0) return;
  process.stdout.write(`building ${missing.join(", ")} (first run, about a minute) …\n`);
  // Quiet unless it fails: turbo's ~130 lines of build output would bury the demo's first step.
  const build = spawnSync(
    "npx",
    [
      "-y",
      "pnpm@10",
      "exec",
      "turbo",
      "run",
      "build",
      "--filter=@multi-openim/bench...",
      "--concurrency=2",
      "--output-logs=errors-only",
    ],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (build.status === 0) return;
  process.stdout.write(`${build.stdout ?? ""}${build.stderr ?? ""}`);
  process.stdout.write(`the build failed (exit ${build.status}): see the output above\n`);
  process.exit(build.status ?? 1);
}
