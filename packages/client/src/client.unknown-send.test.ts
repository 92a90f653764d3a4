import { afterAll, describe, expect, test } from "vitest";
import { ManualClock } from "./clock.js";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

const servers: DevServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function setup(userID: string, sendTimeoutMs = 15_000, clock?: ManualClock) {
  const server = await startDevServer();
  servers.push(server);
  server.registerUser("peer");
  const account = accountOn(server, userID, userID);
  server.createGroup("g", [userID, "peer"], { ownerUserID: "peer" });
  const h = harness(account, {
    tokenRefresher: devRefresher(server, () => userID),
    sendTimeoutMs,
    ...(clock ? { clock } : {}),
  });
  await h.client.start();
  await waitFor(() => h.client.status().connected, 10_000, "connected");
  return { server, h };
}

/** How many times the server stored a message with this text from this sender. */
const storedCount = (server: DevServer, sender: string, text: string) =>
  server.messagesFor("peer").filter((m) => m.sendID === sender && m.text === text).length;

describe.concurrent("a send whose outcome is unknown is delivered exactly once", () => {
  test("stored, then the connection dropped before the answer: found in history, not resent", {
    timeout: 45_000,
  }, async () => {
    const { server, h } = await setup("bot-stored");
    try {
      server.dropOnNextSend("bot-stored", { store: true });
      const sent = await h.client.sendText("user:peer", "stored before the drop");
      expect(storedCount(server, "bot-stored", "stored before the drop")).toBe(1);
      const stored = server.messagesFor("peer").find((m) => m.text === "stored before the drop");
      expect(sent.clientMsgID).toBe(stored?.clientMsgID);
      expect(sent.serverMsgID).toBe(stored?.serverMsgID);
      // The next send is not blocked and goes out once as well.
      await h.client.sendText("group:g", "after");
      expect(server.messagesFor("peer").filter((m) => m.text === "after")).toHaveLength(1);
    } finally {
      await h.client.stop();
    }
  });

  test("dropped before it was stored: resent once with the same clientMsgID", {
    timeout: 45_000,
  }, async () => {
    const { server, h } = await setup("bot-lost");
    try {
      server.dropOnNextSend("bot-lost", { store: false });
      const sent = await h.client.sendText("group:g", "lost in the drop");
      await server.waitForMessage((m) => m.clientMsgID === sent.clientMsgID, 5000);
      await new Promise((r) => setTimeout(r, 500));
      expect(storedCount(server, "bot-lost", "lost in the drop")).toBe(1);
      expect(h.client.status().reconnects).toBe(1);
    } finally {
      await h.client.stop();
    }
  });
});

test("a send the slow server answers after the send timeout is settled from history, not resent", {
  timeout: 45_000,
}, async () => {
  // The client's clock is manual: its 1 s send timeout passes before the server's answer (300 ms of real
  // time) whatever the machine's speed, and the test does not sleep through it.
  const clock = new ManualClock();
  const { server, h } = await setup("bot-slow", 1000, clock);
  try {
    server.setLatency(300);
    const sending = h.client.sendText("user:peer", "slow");
    await clock.advance(1000);
    const sent = await sending;
    expect(sent.clientMsgID).not.toBe("");
    expect(sent.serverMsgID).toBe(server.messagesFor("peer").find((m) => m.text === "slow")?.serverMsgID);
    server.setLatency(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(storedCount(server, "bot-slow", "slow")).toBe(1);
  } finally {
    await h.client.stop();
  }
});
