import { afterAll, describe, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";
import type { ClientOptions } from "./types.js";

const servers: DevServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function setup(userID: string, reconnect?: ClientOptions["reconnect"]) {
  const server = await startDevServer();
  servers.push(server);
  server.registerUser("peer");
  server.registerUser("peer2");
  const account = accountOn(server, userID, userID);
  server.createGroup("g", [userID, "peer", "peer2"], { ownerUserID: "peer" });
  const h = harness(account, {
    tokenRefresher: devRefresher(server, () => userID),
    backoff: { baseMs: 300, capMs: 2000 },
    ...(reconnect ? { reconnect } : {}),
  });
  await h.client.start();
  return { server, h };
}

/** Sends one DM and one group message every `everyMs` until stopped; returns what was sent, per conversation. */
function steadySender(server: DevServer, to: string, everyMs: number) {
  const dm: string[] = [];
  const group: string[] = [];
  let i = 0;
  const timer = setInterval(() => {
    dm.push(server.sendAs("peer", `user:${to}`, `dm ${i}`).clientMsgID);
    group.push(server.sendAs("peer2", "group:g", `group ${i}`).clientMsgID);
    i++;
  }, everyMs);
  return { dm, group, stop: () => clearInterval(timer) };
}

function expectExactlyOnceInOrder(
  received: { clientMsgID: string; conversationID: string }[],
  dm: string[],
  group: string[],
) {
  const ids = received.map((m) => m.clientMsgID);
  expect(new Set(ids).size).toBe(ids.length);
  expect(received.filter((m) => m.conversationID.startsWith("si_")).map((m) => m.clientMsgID)).toEqual(dm);
  expect(received.filter((m) => m.conversationID === "sg_g").map((m) => m.clientMsgID)).toEqual(group);
}

describe.concurrent("network faults: nothing lost, nothing doubled", () => {
  test("connection drop while messages keep coming (same instance reconnects, >10 missed per conversation)", {
    timeout: 40_000,
  }, async () => {
    // The SDK's old fixed 5 s retry, pinned: >10 messages per conversation are missed while away.
    const { server, h } = await setup("bot-drop", { baseMs: 5000, capMs: 5000, jitter: () => 1 });
    try {
      const live = steadySender(server, "bot-drop", 150);
      await new Promise((r) => setTimeout(r, 600));
      server.dropConnections("bot-drop");
      // ~5 s until the SDK retries: ~33 messages per conversation arrive while away, more during the re-sync.
      await waitFor(() => h.client.status().reconnects === 1, 15_000, "reconnect");
      await new Promise((r) => setTimeout(r, 800));
      live.stop();
      expect(live.dm.length).toBeGreaterThan(30);
      await waitFor(() => h.messages.length >= live.dm.length + live.group.length, 15_000, "every message");
      await new Promise((r) => setTimeout(r, 500));
      expectExactlyOnceInOrder(h.messages, live.dm, live.group);
      expect(h.messages.some((m) => m.fromCatchUp)).toBe(true);
    } finally {
      await h.client.stop();
    }
  });

  test("server restart with 15 messages per conversation stored while the client was away", {
    timeout: 40_000,
  }, async () => {
    const { server, h } = await setup("bot-restart");
    try {
      const before = [server.sendAs("peer", "user:bot-restart", "before").clientMsgID];
      await waitFor(() => h.messages.length === 1, 10_000, "first message");
      await server.restart();
      const dm = [...before];
      const group: string[] = [];
      for (let i = 0; i < 15; i++) {
        dm.push(server.sendAs("peer", "user:bot-restart", `away ${i}`).clientMsgID);
        group.push(server.sendAs("peer2", "group:g", `away ${i}`).clientMsgID);
      }
      await waitFor(() => h.messages.length === 31, 20_000, "31 messages");
      await new Promise((r) => setTimeout(r, 800));
      expectExactlyOnceInOrder(h.messages, dm, group);
      expect(h.client.status()).toMatchObject({ connected: true, reconnects: 1 });
    } finally {
      await h.client.stop();
    }
  });

  test("a send during a drop waits for the reconnect instead of hanging on the dead socket", {
    timeout: 40_000,
  }, async () => {
    const { server, h } = await setup("bot-send");
    try {
      server.dropConnections("bot-send");
      await new Promise((r) => setTimeout(r, 50));
      const sent = await h.client.sendText("user:peer", "through the drop");
      await server.waitForMessage((m) => m.clientMsgID === sent.clientMsgID, 5000);
      // And the send queue is not blocked for the next one.
      const next = await h.client.sendText("user:peer", "after");
      expect(next.serverMsgID).not.toBe("");
    } finally {
      await h.client.stop();
    }
  });
});
