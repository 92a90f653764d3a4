import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, expect, test } from "vitest";
import {
  type DemoProcess,
  demoStateDir,
  gatewayPids,
  isListening,
  startDemo,
  summaryLines,
} from "./demo-process.ts";
import { FIRST_TURN_NOTE } from "./local-steps.ts";

// One real gateway (~30 s to be ready, the 9 steps ~70 s on an idle 2-core machine, more when busy).
let demo: DemoProcess | undefined;
afterEach(async () => {
  await demo?.kill();
  demo = undefined;
});

/** Runs a printed command as pasted into a shell, with `input` piped to it. */
function paste(command: string, input: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    // A user's shell: without vitest's markers (OpenClaw behaves differently under a test harness).
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
    const child = spawn("sh", ["-c", command], { env, stdio: ["pipe", "pipe", "pipe"] });
    const io = { out: "", err: "" };
    child.stdout.on("data", (d) => (io.out += d));
    child.stderr.on("data", (d) => (io.err += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not end within 120 s: ${io.out} ${io.err}`));
    }, 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, ...io });
    });
    child.stdin.end(input);
  });
}

const commandAfter = (output: string, label: string) =>
  new RegExp(`${label}\\n\\s+(node \\S+ chat [^\\n]+)`).exec(output)?.[1] ?? "";

test("pnpm demo -- --keep: the printed chat commands reach the bot; Ctrl-C stops everything and exits 0", async () => {
  demo = startDemo(["--keep"]);
  await demo.until(/Or with curl[^\n]*\n.*\n.*\n.*expireToken[^\n]*\n/, 360_000);
  const printed = demo.output();
  expect(printed).toMatch(/9\/9 steps ok/);
  expect(printed).toContain(FIRST_TURN_NOTE);
  expect(summaryLines(printed).every((line) => line.length <= 100)).toBe(true);

  const alice = await paste(
    commandAfter(printed, "alice → bot_a on server A:"),
    "hello from the keep test\n",
  );
  expect(alice.code).toBe(0);
  expect(alice.out).toBe("bot_a: echo: hello from the keep test\n");
  const carol = await paste(commandAfter(printed, "carol in group team[^\\n]*"), "what is for lunch?\n");
  expect(carol.code).toBe(0);
  expect(carol.out).toMatch(/^\[group:team\] bot_a: .*echo: .*what is for lunch\?\n$/);

  // The printed openclaw CLI line (two lines, joined by the shell's backslash-newline) with the demo's config.
  const cli = /openclaw CLI +(\S[^\n]*\\\n[^\n]*channels status)/.exec(printed)?.[1] ?? "";
  const status = await paste(cli, "");
  expect(status.code).toBe(0);
  expect(status.out).toMatch(/Multi-OpenIM a: [^\n]*connected/);
  expect(status.out).toMatch(/Multi-OpenIM b: [^\n]*connected/);

  const stateDir = demoStateDir(printed) as string;
  expect(gatewayPids(stateDir).length).toBeGreaterThan(0);
  const ports = [
    Number(/gateway +ws:\/\/127\.0\.0\.1:(\d+)/.exec(printed)?.[1]),
    ...[
      ...printed.matchAll(/server [AB] +ws ws:\/\/127\.0\.0\.1:(\d+) +api http:\/\/127\.0\.0\.1:(\d+)/g),
    ].flatMap((m) => [Number(m[1]), Number(m[2])]),
  ];
  expect(ports).toHaveLength(5);
  expect(await Promise.all(ports.map(isListening))).toEqual([true, true, true, true, true]);

  const interrupted = performance.now();
  demo.interrupt();
  const code = await Promise.race([
    demo.exited,
    new Promise((r) => setTimeout(() => r("still running"), 60_000)),
  ]);
  expect(code).toBe(0);
  // Ctrl-C after --keep is the ordinary end: pnpm reports no failure (issue 23).
  expect(demo.output()).not.toMatch(/ELIFECYCLE|Command failed/);
  console.log(
    `[keep test] Ctrl-C → demo exited 0 in ${((performance.now() - interrupted) / 1000).toFixed(1)} s`,
  );
  expect(gatewayPids(stateDir)).toEqual([]);
  expect(await Promise.all(ports.map(isListening))).toEqual([false, false, false, false, false]);
  expect(existsSync(dirname(stateDir))).toBe(false); // the demo's temp folder (config, state) is removed
}, 480_000);
