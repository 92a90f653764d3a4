// The bench, the fault suite and the demo import the packages' built dist: build them once on a fresh clone.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const NEEDED = ["core", "token-refresh", "friend-guard", "client", "devserver", "mcp-tools", "cli", "plugin"];

export function ensureBuilt(): void {
  const missing = NEEDED.filter((dir) => !existsSync(`${ROOT}/packages/${dir}/dist/index.mjs`));
  if (missing.length === 0) return;
  console.log(`building ${missing.join(", ")} (first run) …`);
  const build = spawnSync("npx", ["-y", "pnpm@10", "--filter", "@multi-openim/bench...", "build"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
