import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { oldNode } from "./old-node.ts";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const NODE20 = oldNode();

// Every entry point a user starts, as its bin (what `multi-openim …` runs) and what it needs.
const ENTRY_POINTS = [
  ["multi-openim", "packages/cli/bin/multi-openim.mjs", ["setup", "--help"], "Node >= 22"],
  ["multi-openim-mcp", "packages/mcp-tools/bin/multi-openim-mcp.mjs", ["--account", "a"], "Node >= 22"],
  ["multi-openim-devserver", "packages/devserver/bin/multi-openim-devserver.mjs", [], "Node >= 22"],
  ["pnpm demo", "scripts/demo.mjs", ["--keep"], "Node >= 24.16"],
] as const;

test.skipIf(!NODE20).each(ENTRY_POINTS)(
  "%s on Node 20: one line naming the Node it needs and the fix, exit 1, nothing started",
  (name, bin, args, needs) => {
    const run = spawnSync(NODE20 as string, [bin, ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${name} needs ${needs} (this is v20.`);
    expect(lines[0]).toMatch(/npx -y pnpm@10/); // the fix: the workspace's Node 24
    expect(lines[0]).not.toMatch(/the server|refused|errCode/); // a local cause, not blamed on a server
  },
);
