import { afterEach, expect, test } from "vitest";
import { type DemoProcess, demoStateDir, gatewayPids, startDemo } from "./demo-process.ts";
import { STOPPED_EARLY } from "./signals.ts";

let demo: DemoProcess | undefined;
afterEach(async () => {
  await demo?.kill();
  demo = undefined;
});

// Ctrl-C while the gateway starts: ~10 s of a gateway, then everything stopped.
test("Ctrl-C during `pnpm demo`: one plain line, exit 0, no ELIFECYCLE from pnpm, no gateway left", async () => {
  demo = startDemo([]);
  await demo.until(/waiting for both accounts/, 120_000);
  const stateDir = demoStateDir(demo.output()) as string;
  await new Promise((r) => setTimeout(r, 2000));
  demo.interrupt();
  const code = await Promise.race([demo.exited, new Promise((r) => setTimeout(() => r("running"), 60_000))]);
  const out = demo.output();
  expect(code, out).toBe(0);
  expect(out).toContain(STOPPED_EARLY.trim());
  expect(out).not.toMatch(/ELIFECYCLE|Command failed/);
  expect(out).not.toMatch(/steps ok|✘/); // steps cut short are no result
  expect(gatewayPids(stateDir)).toEqual([]);
}, 240_000);
