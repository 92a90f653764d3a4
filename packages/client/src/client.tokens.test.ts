import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenRefresher } from "@multi-openim/token-refresh";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server.close();
});

const fast = { backoff: { baseMs: 300, capMs: 2000 }, kickWindowMs: 4000 };

/** n texts from `from` while the account is away; returns their clientMsgIDs in send order. */
function sendMany(from: string, to: string, n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => server.sendAs(from, `user:${to}`, `${tag} ${i}`).clientMsgID);
}

describe.concurrent("token events against the devserver", () => {
  test("expired: one refresh (not two), new token, and the 12 messages sent meanwhile arrive once, in order", {
    timeout: 40_000,
  }, async () => {
    server.registerUser("peer-e");
    const refresher = devRefresher(server, () => "bot-e");
    const h = harness(accountOn(server, "exp", "bot-e"), { tokenRefresher: refresher, ...fast });
    await h.client.start();
    const tokenBefore = h.client.status().tokenExpiresAt;
    try {
      server.expireToken("bot-e");
      const sent = sendMany("peer-e", "bot-e", 12, "while expired");
      await waitFor(() => h.messages.length === 12, 30_000, "12 messages after recovery").catch(
        (e: Error) => {
          throw new Error(
            `${e.message}: got ${h.messages.map((m) => m.seq).join(",")}; status ${JSON.stringify(h.client.status())}; refreshes ${refresher.reasons.join("|")}`,
          );
        },
      );
      expect(h.messages.map((m) => m.clientMsgID)).toEqual(sent);
      expect(refresher.reasons).toEqual(["OnUserTokenExpired errCode=1501"]);
      expect(h.client.status()).toMatchObject({
        connected: true,
        auth: "ok",
        reconnects: 1,
        lastError: null,
      });
      expect(h.client.status().tokenExpiresAt).toBeGreaterThanOrEqual(tokenBefore!);
      await new Promise((r) => setTimeout(r, 500));
      expect(h.messages).toHaveLength(12);
    } finally {
      await h.client.stop();
    }
  });

  test("a token already expired at start is refreshed before the first login (no 1501 on the wire)", {
    timeout: 30_000,
  }, async () => {
    const own = await startDevServer();
    try {
      const refresher = devRefresher(own, () => "bot-x");
      const h = harness(accountOn(own, "x", "bot-x", { expiresInSec: -60 }), {
        tokenRefresher: refresher,
        ...fast,
      });
      const status = await h.client.start();
      expect(status).toMatchObject({ connected: true, auth: "ok" });
      expect(refresher.reasons).toEqual(["token expired before start"]);
      expect(own.counters.rejectedConnects).toBe(0);
      await h.client.stop();
    } finally {
      await own.close();
    }
  });

  test("invalid: refreshed and reconnected", { timeout: 40_000 }, async () => {
    const refresher = devRefresher(server, () => "bot-i");
    const h = harness(accountOn(server, "inv", "bot-i"), { tokenRefresher: refresher, ...fast });
    await h.client.start();
    try {
      server.invalidateToken("bot-i");
      await waitFor(() => refresher.reasons.length === 1 && h.client.status().connected, 30_000, "recovery");
      expect(refresher.reasons).toEqual(["OnUserTokenInvalid errCode=1502"]);
      server.registerUser("peer-i");
      server.sendAs("peer-i", "user:bot-i", "after invalid");
      await waitFor(() => h.messages.length === 1, 10_000, "message after recovery");
    } finally {
      await h.client.stop();
    }
  });

  test("kicked: refreshes at once the first time, waits out the kick window the second time", {
    timeout: 40_000,
  }, async () => {
    const refresher = devRefresher(server, () => "bot-k");
    const h = harness(accountOn(server, "kick", "bot-k"), { tokenRefresher: refresher, ...fast });
    await h.client.start();
    try {
      server.kick("bot-k");
      await waitFor(
        () => refresher.reasons.length === 1 && h.client.status().connected,
        15_000,
        "first recovery",
      );
      const firstAt = Date.now();
      server.kick("bot-k");
      await waitFor(
        () => (h.client.status().lastError ?? "").includes("kicked offline"),
        5000,
        "kick wait reported",
      );
      await waitFor(
        () => refresher.reasons.length === 2 && h.client.status().connected,
        20_000,
        "second recovery",
      );
      expect(refresher.reasons.every((r) => r.startsWith("OnKickedOffline"))).toBe(true);
      // The second refresh waited for the window (4 s from the first kick-triggered refresh).
      expect(Date.now() - firstAt).toBeGreaterThanOrEqual(2500);
    } finally {
      await h.client.stop();
    }
  });

  test("refresh endpoint down, then up: retries with backoff and recovers (real token-refresh over HTTP)", {
    timeout: 40_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "client-refresh-"));
    let endpoint: Server | undefined;
    const up = (port = 0) =>
      new Promise<number>((resolve) => {
        endpoint = createServer((_req, res) => {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ token: server.mintToken("bot-d") }));
        });
        endpoint.listen(port, "127.0.0.1", () => resolve((endpoint!.address() as AddressInfo).port));
      });
    const port = await up();
    const refresher = createTokenRefresher({
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: join(dir, "manual-login.json"),
        http: { endpoint: `http://127.0.0.1:${port}/refresh`, responseTokenPath: "token", timeoutMs: 2000 },
      },
      backoff: { baseMs: 100, capMs: 200, retries: 0 },
      circuit: { failureThreshold: 100 },
    });
    const h = harness(accountOn(server, "down", "bot-d"), { tokenRefresher: refresher, ...fast });
    await h.client.start();
    try {
      await new Promise<void>((resolve) => endpoint!.close(() => resolve()));
      server.expireToken("bot-d");
      await waitFor(
        () => (h.client.status().lastError ?? "").includes("REFRESH_NETWORK"),
        15_000,
        "refresh failure reported",
      );
      expect(h.client.status()).toMatchObject({ connected: false, auth: "refreshing", running: true });
      const marker = JSON.parse(await readFile(join(dir, "manual-login.down.json"), "utf8"));
      expect(marker.accountId).toBe("down");
      await up(port);
      await waitFor(() => h.client.status().connected, 15_000, "recovery after the endpoint came back");
      expect(h.client.status()).toMatchObject({ auth: "ok", lastError: null });
    } finally {
      await h.client.stop();
      refresher.dispose();
      await new Promise<void>((resolve) =>
        endpoint?.listening ? endpoint.close(() => resolve()) : resolve(),
      );
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("terminal refresh failure → needs-login, sends refused with NEEDS_LOGIN; a token set by hand recovers", {
    timeout: 40_000,
  }, async () => {
    const refresher = devRefresher(server, () => "bot-t");
    refresher.terminal = true;
    const h = harness(accountOn(server, "term", "bot-t"), { tokenRefresher: refresher, ...fast });
    await h.client.start();
    try {
      server.expireToken("bot-t");
      await waitFor(() => h.client.status().auth === "needs-login", 15_000, "needs-login");
      expect(h.client.status().lastError).toContain("manual-login.term.json");
      expect(refresher.reasons).toHaveLength(1);
      await expect(h.client.sendText("user:x", "hi")).rejects.toMatchObject({ code: "NEEDS_LOGIN" });
      // No more attempts while waiting for a human.
      await new Promise((r) => setTimeout(r, 1500));
      expect(refresher.reasons).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
      const status = await h.client.setToken(server.mintToken("bot-t"));
      expect(status).toMatchObject({ connected: true, auth: "ok" });
    } finally {
      await h.client.stop();
    }
  });
});
