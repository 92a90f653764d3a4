import type { ResolvedAccount } from "@multi-openim/core";
import { afterAll, describe, expect, test } from "vitest";
import { createAccountClient } from "./client.js";
import type { SendQueueOptions } from "./send-queue.js";
import { accountOn, type DevServer, devRefresher, startDevServer, waitFor } from "./test-support.js";
import type { ClientOptions, InboundMessage } from "./types.js";

function harness(account: ResolvedAccount, options: ClientOptions & SendQueueOptions) {
  const client = createAccountClient(account, { tickMs: 200, ...options });
  const messages: InboundMessage[] = [];
  client.on("message", (m) => messages.push(m));
  return { client, messages };
}

const servers: DevServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/**
 * A connected client on its own devserver; `disconnect()` expires its token while the refresh endpoint
 * is down, so the account stays disconnected (refreshing) until `reconnect()`.
 */
async function setup(
  userID: string,
  options: { sendQueueMaxItems?: number; sendQueueMaxAgeMs?: number } = {},
) {
  const server = await startDevServer();
  servers.push(server);
  server.registerUser("peer");
  const refresher = devRefresher(server, () => userID);
  const h = harness(accountOn(server, userID, userID), {
    tokenRefresher: refresher,
    // Far shorter than the waits below: without the queue, every send here would fail with NOT_CONNECTED.
    sendTimeoutMs: 800,
    backoff: { baseMs: 200, capMs: 500 },
    ...options,
  });
  await h.client.start();
  await waitFor(() => h.client.status().connected, 10_000, "connected");
  return {
    server,
    h,
    disconnect: async () => {
      refresher.down = true;
      server.expireToken(userID);
      await waitFor(() => !h.client.status().connected, 10_000, "disconnected");
    },
    reconnect: () => {
      refresher.down = false;
    },
  };
}

const texts = (server: DevServer, sender: string) =>
  server
    .messagesFor("peer")
    .filter((m) => m.sendID === sender)
    .map((m) => m.text);

describe.concurrent("sends made while the account is not connected", () => {
  test("wait for the connection, then go out exactly once each, in the order they were made", {
    timeout: 45_000,
  }, async () => {
    const { server, h, disconnect, reconnect } = await setup("bot-q");
    try {
      await disconnect();
      const outcomes: string[] = [];
      const sends = ["one", "two", "three"].map((text) =>
        h.client.sendText("user:peer", text).then(
          () => outcomes.push(`ok ${text}`),
          (e: Error) => outcomes.push(`failed ${text}: ${e.message}`),
        ),
      );
      // Well past sendTimeoutMs: still waiting, nothing sent, nothing failed.
      await new Promise((r) => setTimeout(r, 2500));
      expect(outcomes).toEqual([]);
      expect(texts(server, "bot-q")).toEqual([]);
      reconnect();
      await Promise.all(sends);
      expect(outcomes).toEqual(["ok one", "ok two", "ok three"]);
      await new Promise((r) => setTimeout(r, 500));
      expect(texts(server, "bot-q")).toEqual(["one", "two", "three"]);
    } finally {
      await h.client.stop();
    }
  });

  test("bounded: one over sendQueueMaxItems is refused at once, one past sendQueueMaxAgeMs fails NOT_CONNECTED; nothing sent", {
    timeout: 45_000,
  }, async () => {
    const { server, h, disconnect, reconnect } = await setup("bot-b", {
      sendQueueMaxItems: 1,
      sendQueueMaxAgeMs: 1500,
    });
    try {
      await disconnect();
      const waiting = h.client.sendText("user:peer", "waits");
      const settled = waiting.catch((e: unknown) => e);
      await expect(h.client.sendText("user:peer", "over")).rejects.toMatchObject({
        code: "NOT_CONNECTED",
        message: expect.stringMatching(/1 sends already wait for a connection \(nothing was sent\)/),
      });
      expect(await settled).toMatchObject({
        code: "NOT_CONNECTED",
        message: expect.stringMatching(/dropped after \d+s waiting for a connection \(nothing was sent\)/),
      });
      reconnect();
      await waitFor(() => h.client.status().connected, 15_000, "reconnected");
      await new Promise((r) => setTimeout(r, 500));
      expect(texts(server, "bot-b")).toEqual([]);
    } finally {
      await h.client.stop();
    }
  });

  test("a stop while sends wait: they fail NOT_CONNECTED (nothing sent), so a caller may send them elsewhere", {
    timeout: 45_000,
  }, async () => {
    const { server, h, disconnect } = await setup("bot-s");
    await disconnect();
    const waiting = h.client.sendText("user:peer", "never").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    await h.client.stop();
    expect(await waiting).toMatchObject({
      code: "NOT_CONNECTED",
      message: expect.stringMatching(/stopped while the send waited/),
    });
    expect(texts(server, "bot-s")).toEqual([]);
  });

  test("bad queue options are refused with the field and the fix", () => {
    for (const [field, value] of [
      ["sendQueueMaxItems", -1],
      ["sendQueueMaxItems", 1.5],
      ["sendQueueMaxAgeMs", Number.NaN],
    ] as const) {
      expect(() =>
        harness(
          {
            accountId: "bad",
            token: "t",
            wsAddr: "ws://127.0.0.1:1",
            apiAddr: "http://127.0.0.1:1",
            userID: "bad",
            platformID: 5,
          } as ResolvedAccount,
          {
            tokenRefresher: { refresh: async () => ({ ok: false }) as never },
            [field]: value,
          },
        ),
      ).toThrow(new RegExp(`options\\.${field} must be`));
    }
  });
});

test("concurrent read marks of one conversation are coalesced: a burst costs at most two requests", {
  timeout: 30_000,
}, async () => {
  const { server, h } = await setup("bot-r");
  try {
    for (let i = 0; i < 5; i++) server.sendAs("peer", "user:bot-r", `m${i}`);
    await waitFor(() => h.messages.length === 5, 10_000, "inbound");
    const route = "/msg/mark_conversation_as_read";
    const before = server.counters.requests[route] ?? 0;
    await Promise.all(Array.from({ length: 20 }, () => h.client.markRead("si_bot-r_peer")));
    const made = (server.counters.requests[route] ?? 0) - before;
    expect(made).toBeGreaterThanOrEqual(1);
    expect(made).toBeLessThanOrEqual(2);
  } finally {
    await h.client.stop();
  }
});
