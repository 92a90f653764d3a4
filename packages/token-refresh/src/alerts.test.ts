import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import type { AlertEvent } from "./alerts.js";
import { createTokenRefresher } from "./refresher.js";
import { until, useAuthFixtures } from "./test-fixtures.js";

const { dir, serve } = useAuthFixtures();
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** The operator's webhook: a real loopback server that refuses its first POST (to exercise the retries). */
async function receiver(): Promise<{ url: string; bodies: string[]; attempts: () => number }> {
  const bodies: string[] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      attempts += 1;
      if (attempts === 1) return res.writeHead(503).end();
      bodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => server.close());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    bodies,
    attempts: () => attempts,
  };
}

test("alerts: circuit open, needs-login and recovered reach the webhook (retried) and onAlert, with no secret", async () => {
  const SECRET_RT = "rt-very-secret-0042";
  let reply: { status?: number; body: unknown } = { status: 503, body: "down" };
  const auth = await serve(() => reply);
  const stateFile = dir.join("state.json");
  await writeFile(stateFile, JSON.stringify({ a: { refresh_token: SECRET_RT } }));
  const hook = await receiver();
  const events: AlertEvent[] = [];
  let t = Date.parse("2026-01-01T00:00:00Z");
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("m.json"),
      http: {
        endpoint: `${auth.url}/r`,
        stateFile,
        body: { refreshToken: "{state.refresh_token}" },
        responseTokenPath: "token",
      },
    },
    now: () => t,
    backoff: { retries: 0 },
    circuit: { failureThreshold: 2, openMs: 1000 },
    alerts: { webhook: hook.url, retryDelayMs: 20 },
    onAlert: (e) => events.push(e),
  });
  closers.push(() => refresher.dispose());

  await refresher.refresh("a", "OnUserTokenExpired");
  expect(events).toEqual([]); // one transient failure: nobody needs waking
  await refresher.refresh("a", "OnUserTokenExpired");
  await refresher.refresh("a", "OnUserTokenExpired"); // refused by the open circuit: no second alert
  expect(events.map((e) => e.event)).toEqual(["circuit-open"]);

  t += 5000;
  reply = { body: { token: "T1" } };
  expect(await refresher.refresh("a", "retry")).toMatchObject({ ok: true });
  reply = { status: 401, body: `refresh token ${SECRET_RT} revoked` };
  expect(await refresher.refresh("a", "OnKickedOffline")).toMatchObject({ ok: false, retryable: false });
  reply = { body: { token: "T2" } };
  await refresher.refresh("a", "token set by hand");
  expect(events.map((e) => e.event)).toEqual(["circuit-open", "recovered", "needs-login", "recovered"]);

  await until(() => hook.bodies.length === 4, "four alerts delivered");
  expect(hook.attempts()).toBe(5); // the first POST was refused and retried
  const delivered = hook.bodies.map((b) => JSON.parse(b) as AlertEvent);
  expect(delivered.map((e) => e.event).sort()).toEqual([
    "circuit-open",
    "needs-login",
    "recovered",
    "recovered",
  ]);
  for (const alert of delivered) {
    expect(Object.keys(alert).sort()).toEqual(["accountId", "at", "event", "reason"]);
    expect(alert.accountId).toBe("a");
  }
  expect(delivered.find((e) => e.event === "needs-login")?.reason).toMatch(/^REFRESH_HTTP_STATUS: .*401/);
  expect(hook.bodies.join("\n")).not.toContain(SECRET_RT);
  expect(JSON.stringify(events)).not.toContain(SECRET_RT);
});

test("a webhook that is down never delays a refresh; the failure is one warning", async () => {
  const auth = await serve(() => ({ status: 403, body: "no" }));
  const warnings: string[] = [];
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("m.json"),
      http: { endpoint: `${auth.url}/r`, responseTokenPath: "token" },
    },
    alerts: { webhook: "http://127.0.0.1:9/unreachable", retries: 2, retryDelayMs: 10 },
    logger: { info: () => {}, error: () => {}, warn: (m) => warnings.push(m) },
  });
  closers.push(() => refresher.dispose());
  const started = Date.now();
  expect(await refresher.refresh("b", "t")).toMatchObject({ ok: false, retryable: false });
  expect(Date.now() - started).toBeLessThan(500);
  await until(() => warnings.some((w) => w.includes("alert needs-login")), "the delivery warning");
  expect(warnings.filter((w) => w.includes("not delivered"))).toHaveLength(1);
});
