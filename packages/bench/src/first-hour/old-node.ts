// Test support: a Node older than 22 on this machine (the image's own Node 20; the workspace's Node 24
// comes first on the PATH under pnpm), to run the entry points as a user with that Node would.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CANDIDATES = ["/usr/bin/node", "/bin/node", "/usr/local/bin/node"];

/** The path of a Node older than 22, or undefined when the machine has none. */
export function oldNode(): string | undefined {
  const onPath = spawnSync("sh", ["-c", "which -a node"], { encoding: "utf8" }).stdout.split("\n");
  for (const path of [...onPath, ...CANDIDATES].filter((p) => p && existsSync(p))) {
    const version = spawnSync(path, ["--version"], { encoding: "utf8" }).stdout.trim();
    if (Number(/^v(\d+)\./.exec(version)?.[1]) < 22) return path;
  }
  return undefined;
}
