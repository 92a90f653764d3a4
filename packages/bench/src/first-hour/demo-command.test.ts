import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { demoArgs } from "../demo/args.ts";
import { pnpmCommand } from "../demo/demo-process.ts";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** `pnpm demo -- <args>` from the repository root, as the README writes it. */
function pnpmDemo(...args: string[]) {
  const [pnpm, pnpmArgs] = pnpmCommand();
  return spawnSync(pnpm, [...pnpmArgs, "demo", "--", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("pnpm demo -- --help (the README's `--` form) reaches the demo's flags instead of crashing", () => {
  const run = pnpmDemo("--help");
  expect(run.stderr).not.toContain("ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL");
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("pnpm demo -- [--keep] [--ws ws://host:10001 --api http://host:10002");
});

test("pnpm demo -- --ws … is read as the --ws flag: the missing --api and --token are named, exit 2", () => {
  const run = pnpmDemo("--ws", "ws://127.0.0.1:1");
  expect(run.status).toBe(2);
  expect(run.stdout).toContain("[demo] --ws, --api and --token (or $MULTI_OPENIM_TOKEN) go together");
  expect(`${run.stdout}${run.stderr}`).not.toContain("TypeError");
});

test("an unknown flag is one line and the usage, not a stack trace", () => {
  const run = pnpmDemo("--kepp");
  expect(run.status).toBe(2);
  expect(run.stdout).toMatch(/^\[demo\] Unknown option '--kepp'/m);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
});

test("leading -- separators are dropped, nothing else", () => {
  expect(demoArgs(["--", "--keep"])).toEqual(["--keep"]);
  expect(demoArgs(["--keep"])).toEqual(["--keep"]);
  expect(demoArgs(["--", "--", "--ws", "x"])).toEqual(["--ws", "x"]);
  expect(demoArgs(["--token", "--"])).toEqual(["--token", "--"]);
});
