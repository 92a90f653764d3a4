import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

// Imports the built package by its name, through its exports map.
test("the built dist imports by package name", () => {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const script =
    'const m = await import("@multi-openim/bench"); console.log(JSON.stringify(Object.keys(m).sort()));';
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
  });
  expect(JSON.parse(out)).toContain("startRefreshEndpoint");
});
