import { expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

test("server gone for longer than the stall timeout: fresh instance, backoff, and back on a new server", {
  timeout: 40_000,
}, async () => {
  let current: DevServer = await startDevServer();
  const first = current;
  const wsPort = Number(new URL(current.wsAddr).port);
  const apiPort = Number(new URL(current.apiAddr).port);
  // Mints from whichever server is up now.
  const refresher = devRefresher(
    () => current,
    () => "bot-stall",
  );
  const logs: string[] = [];
  const h = harness(accountOn(current, "stall", "bot-stall"), {
    tokenRefresher: refresher,
    stallTimeoutMs: 2000,
    loginTimeoutMs: 3000,
    backoff: { baseMs: 200, capMs: 1000 },
    logger: { warn: (m) => logs.push(m), info: (m) => logs.push(m), error: (m) => logs.push(m) },
  });
  await h.client.start();
  try {
    await first.close();
    await waitFor(
      () => logs.some((l) => l.includes("restarting with a fresh SDK instance")),
      15_000,
      "stall detected",
    );
    expect(h.client.status()).toMatchObject({ connected: false, running: true });
    // A new server on the same ports knows nothing of the old token: 1507 → invalid → refresh from it.
    current = await startDevServer({ wsPort, apiPort });
    await waitFor(() => h.client.status().connected, 20_000, "reconnected to the new server");
    expect(refresher.reasons.some((r) => r.startsWith("OnUserTokenInvalid"))).toBe(true);
    current.registerUser("peer");
    current.sendAs("peer", "user:bot-stall", "on the new server");
    await waitFor(
      () => h.messages.some((m) => m.text === "on the new server"),
      10_000,
      "message on the new server",
    );
    expect(logs.join("\n")).not.toMatch(/eyJ/);
  } finally {
    await h.client.stop();
    await current.close();
  }
});
