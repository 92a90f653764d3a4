import { afterAll, beforeAll, expect, test } from "vitest";
import { createAccountClient } from "./client.js";
import { accountOn, type DevServer, devRefresher, startDevServer, waitFor } from "./test-support.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server.close();
});

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

test("200 start/stop cycles against the devserver leave no timers or sockets behind", {
  timeout: 120_000,
}, async () => {
  const account = accountOn(server, "leak", "bot-leak");
  const refresher = devRefresher(server, () => "bot-leak");
  const cycle = async () => {
    const client = createAccountClient(account, { tokenRefresher: refresher });
    const status = await client.start();
    expect(status.connected).toBe(true);
    await client.stop();
  };
  await cycle();
  await new Promise((r) => setTimeout(r, 300));
  const baseline = resources();
  for (let i = 0; i < 200; i++) await cycle();
  expect(server.counters.logins).toBe(201);
  // Closing sockets finish asynchronously; a leak of even one handle per cycle would be 200 here.
  await waitFor(
    () => total(resources()) <= total(baseline) + 2,
    10_000,
    `resources back to ${JSON.stringify(baseline)}`,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; now ${JSON.stringify(resources())}`);
  });
  expect(server.counters.connections).toBe(0);
});
