import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));

test("the README carries examples/keep-fresh.mjs verbatim", () => {
  const readme = readFileSync(`${pkgDir}README.md`, "utf8");
  const example = readFileSync(`${pkgDir}examples/keep-fresh.mjs`, "utf8");
  expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
});

test("the README example runs: refreshes, saves the rotated refresh token, plans the next refresh", () => {
  const out = execFileSync(process.execPath, ["examples/keep-fresh.mjs"], {
    cwd: pkgDir,
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(out).toContain('[token-refresh] account "primary": token refreshed (startup)');
  expect(out).toContain("token ok; rotated refresh token saved: true");
  expect(out).toMatch(/next refresh in 5[45] minutes/);
  expect(out).not.toMatch(/eyJ/);
});
