import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

// Imports the built package by its name, through its exports map, as a user's code would.
test("the built dist imports by package name", () => {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const script =
    'const m = await import("@multi-openim/mcp-tools"); console.log(JSON.stringify(Object.keys(m).sort()));';
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
  });
  expect(JSON.parse(out)).toEqual(
    expect.arrayContaining([
      "MULTI_OPENIM_TOOL_NAMES",
      "checkMediaSource",
      "createMcpServer",
      "createOpenClawToolFactories",
      "createOpenClawTools",
      "createPoolSender",
      "createToolDefinitions",
    ]),
  );
});

// The OpenClaw entry is what the plugin (and so every gateway) loads: the MCP SDK must not come with it.
test("@multi-openim/mcp-tools/openclaw loads the tools without the MCP SDK", () => {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const script = [
    'import { registerHooks } from "node:module";',
    "const loaded = [];",
    "registerHooks({ load(url, ctx, next) { loaded.push(url); return next(url, ctx); } });",
    'const m = await import("@multi-openim/mcp-tools/openclaw");',
    'console.log(JSON.stringify({ keys: Object.keys(m).sort(), mcp: loaded.filter((u) => u.includes("@modelcontextprotocol")).length }));',
  ].join("\n");
  const out = JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd, encoding: "utf8" }),
  );
  expect(out.keys).toEqual([
    "MULTI_OPENIM_TOOL_NAMES",
    "createBoundOpenClawTools",
    "createOpenClawToolFactories",
    "createOpenClawTools",
  ]);
  expect(out.mcp).toBe(0);
});
