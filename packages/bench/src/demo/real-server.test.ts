import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { afterEach, expect, test } from "vitest";
import {
  type DemoProcess,
  demoLines,
  demoStateDir,
  gatewayPids,
  isListening,
  startDemo,
  summaryLines,
} from "./demo-process.ts";
import { KEEP_HINT } from "./keep.ts";

// A devserver speaks the OpenIM protocol, so it stands in for a real server here; the demo must use
// nothing else (its control API counts every call). One real gateway (~30 s to be ready).
let demo: DemoProcess | undefined;
let server: DevServer | undefined;
afterEach(async () => {
  await demo?.kill();
  await server?.close();
  demo = undefined;
  server = undefined;
});

const within = (p: Promise<number | null>, ms: number) =>
  Promise.race([p, new Promise<string>((r) => setTimeout(() => r(`still running after ${ms} ms`), ms))]);

test("pnpm demo -- --ws --api --token: checks what one token can over the protocol only, says what it cannot, exits 0", async () => {
  server = await startDevServer();
  server.registerUser("bot", { nickname: "Demo Bot" });
  const token = server.mintToken("bot");
  demo = startDemo(["--ws", server.wsAddr, "--api", server.apiAddr, "--token", token]);
  expect(await within(demo.exited, 360_000)).toBe(0);
  const out = demo.output();
  expect(out).toContain('user bot ("Demo Bot") known to');
  expect(out).toMatch(/Multi-OpenIM real: .*connected/);
  expect(out).toMatch(/4\/4 steps ok/);
  expect(summaryLines(out).every((line) => line.length <= 100)).toBe(true);
  expect(out).toContain(KEEP_HINT); // the plain run ends by saying how to keep it running
  expect(out).not.toMatch(/ELIFECYCLE|Command failed/);
  expect(out).toMatch(/Not checked against a real server: a human's message and the bot's reply/);
  // pnpm echoes the command it runs ("> exec node scripts/demo.mjs -- … --token …"): the token typed on
  // the command line is the user's own; the README points to $MULTI_OPENIM_TOKEN to keep it out of that
  // and of `ps`. Nothing the demo itself prints may contain it.
  expect(demoLines(out).join("\n")).not.toContain(token);
  // The gateway logged in over the WebSocket; nobody touched the devserver's controls.
  expect(server.counters.logins).toBeGreaterThanOrEqual(1);
  expect(Object.keys(server.counters.requests).filter((route) => route.startsWith("/devserver/"))).toEqual(
    [],
  );
  // Nothing left behind: no gateway process, its port closed.
  expect(gatewayPids(demoStateDir(out) as string)).toEqual([]);
  const port = Number(/gateway on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  expect(port).toBeGreaterThan(0);
  expect(await isListening(port)).toBe(false);
}, 420_000);

test("pnpm demo -- --ws --api with a token ($MULTI_OPENIM_TOKEN) the server refuses: a clear failed step, no gateway, exit 1", async () => {
  server = await startDevServer();
  const token = server.mintToken("bot");
  server.invalidateToken("bot");
  demo = startDemo(["--ws", server.wsAddr, "--api", server.apiAddr], { MULTI_OPENIM_TOKEN: token });
  expect(await within(demo.exited, 60_000)).toBe(1);
  expect(demo.output()).toMatch(/✘ \[demo\] the server refused the token: 1502/);
  expect(demo.output()).toMatch(/0\/1 steps ok/);
  expect(demo.output()).not.toContain(token);
  expect(demo.output()).not.toContain("start an OpenClaw gateway");
}, 90_000);
