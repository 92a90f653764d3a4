#!/usr/bin/env node
// The `multi-openim-mcp` command. Committed plain JS (dist/ is built later, and pnpm links a bin at install time
// only if its file exists), parsed by any Node: an older one gets one line with the fix instead of a
// failure later that blames the server (the OpenIM SDK behind its sends needs the global WebSocket of Node >= 22).
import { existsSync } from "node:fs";

const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  process.stderr.write(
    `multi-openim-mcp needs Node >= 22 (this is ${process.version}, which has no global WebSocket): install Node 22 or newer, or in the multi-openim repository run \`npx -y pnpm@10 exec multi-openim-mcp …\` (the workspace brings Node 24)\n`,
  );
  process.exit(1);
}
const entry = new URL("../dist/bin.mjs", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    `multi-openim-mcp is not built yet: run \`npx -y pnpm@10 build\` in the multi-openim repository (${new URL("../../..", entry).pathname})\n`,
  );
  process.exit(1);
}
await import(entry.href);
