import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

// Imports the built package by its name, through its exports map, as a user's code would.
test("the built dist imports by package name", () => {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const script =
    'const m = await import("@multi-openim/client"); console.log(JSON.stringify(Object.keys(m).sort()));';
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
  });
  expect(Array.isArray(JSON.parse(out))).toBe(true);
});

// A gateway or CLI that imports the client without starting an account must not pay for the SDK.
test("importing the package does not load the OpenIM SDK; starting an account does", () => {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const script = [
    'import { registerHooks } from "node:module";',
    "const loaded = [];",
    "registerHooks({ load(url, ctx, next) { loaded.push(url); return next(url, ctx); } });",
    "const sdk = () => loaded.filter((u) => u.includes('client-sdk')).length;",
    'const { createAccountClient } = await import("@multi-openim/client");',
    "const atImport = sdk();",
    "const client = createAccountClient(",
    "  { accountId: 'a', token: 't', wsAddr: 'ws://127.0.0.1:9', apiAddr: 'http://127.0.0.1:9', userID: 'u' },",
    "  { tokenRefresher: { refresh: async () => ({ ok: false, code: 'REFRESH_DISABLED' }) }, loginTimeoutMs: 500 },",
    ");",
    "await client.start();",
    "await client.stop();",
    "console.log(JSON.stringify({ atImport, afterStart: sdk() }));",
    "process.exit(0);",
  ].join("\n");
  const out = JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd, encoding: "utf8" }),
  );
  expect(out.atImport).toBe(0);
  expect(out.afterStart).toBeGreaterThan(0);
});
