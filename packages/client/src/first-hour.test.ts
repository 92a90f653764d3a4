import { afterAll, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

const servers: DevServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test("a login whose socket never opens logs the cause (ECONNREFUSED and the address), not only 'failed'", async () => {
  const s = await startDevServer();
  servers.push(s);
  const account = accountOn(s, "gone", "bot-g");
  await s.close(); // nothing listens on its ports any more
  const warnings: string[] = [];
  const h = harness(account, {
    tokenRefresher: devRefresher(s, () => "bot-g"),
    logger: { warn: (m) => warnings.push(m) },
    backoff: { baseMs: 50, capMs: 50 },
  });
  try {
    const first = await h.client.start();
    expect(first.connected).toBe(false);
    await waitFor(() => warnings.some((w) => w.includes("did not connect")), 10_000, "a login warning");
    const port = new URL(account.wsAddr).port;
    expect(warnings.find((w) => w.includes("did not connect"))).toMatch(
      new RegExp(
        `login attempt 1 did not connect \\(failed: network error \\(wsAddr ws://127\\.0\\.0\\.1:${port} \\(127\\.0\\.0\\.1:${port}\\): ECONNREFUSED\\)\\)`,
      ),
    );
    expect(h.client.status().lastError).toContain("ECONNREFUSED");
  } finally {
    await h.client.stop();
  }
});

test("without a global WebSocket (Node < 22) start() says it is this Node and what to do, and contacts no server", async () => {
  const s = await startDevServer();
  servers.push(s);
  const saved = globalThis.WebSocket;
  const h = harness(accountOn(s, "old", "bot-o"), { tokenRefresher: devRefresher(s, () => "bot-o") });
  // What Node 20 looks like to the client: no global WebSocket.
  Reflect.deleteProperty(globalThis, "WebSocket");
  try {
    const error = await h.client.start().then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe("LOGIN_FAILED");
    expect(error?.message).toMatch(
      /this Node \(v\d+\.\d+\.\d+\) has no global WebSocket.*run with Node 22 or newer/,
    );
    expect(error?.message).not.toMatch(/refused|server refused/);
    expect(s.counters.logins).toBe(0);
  } finally {
    globalThis.WebSocket = saved;
    await h.client.stop();
  }
});
