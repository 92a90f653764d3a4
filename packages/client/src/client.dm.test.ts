import { afterAll, beforeAll, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server.close();
});

test("connects, and DM and group text flow both ways", { timeout: 30_000 }, async () => {
  const account = accountOn(server, "primary", "bot1");
  server.registerUser("alice", { nickname: "Alice" });
  server.createGroup("g1", ["bot1", "alice"], { groupName: "G1", ownerUserID: "alice" });
  const errors: string[] = [];
  const h = harness(account, {
    tokenRefresher: devRefresher(server, () => "bot1"),
    logger: { error: (m) => errors.push(m) },
  });
  // A listener that throws must not break delivery (nor reach SDK internals).
  h.client.on("message", () => {
    throw new Error("listener bug");
  });
  const status = await h.client.start();
  expect(status).toMatchObject({ accountId: "primary", running: true, connected: true, auth: "ok" });
  try {
    server.sendAs("alice", "user:bot1", "hello bot");
    await waitFor(() => h.messages.length === 1, 10_000, "DM in");
    expect(h.messages[0]).toMatchObject({
      kind: "direct",
      target: { kind: "user", id: "alice" },
      text: "hello bot",
      sender: { userID: "alice" },
      fromCatchUp: false,
    });

    const sent = await h.client.sendText("user:alice", "hello alice");
    expect(sent.serverMsgID).not.toBe("");
    await server.waitForMessage((m) => m.sendID === "bot1" && m.clientMsgID === sent.clientMsgID, 5000);

    server.sendAs("alice", "group:g1", { text: "@bot1 hi group", atUserIDs: ["bot1"] });
    server.sendAs("alice", "group:g1", { text: "hi all", atAll: true });
    await waitFor(() => h.messages.length === 3, 10_000, "group in");
    expect(h.messages[1]).toMatchObject({
      kind: "group",
      groupID: "g1",
      target: { kind: "group", id: "g1" },
      mentionsSelf: true,
      mentionsAll: false,
    });
    expect(h.messages[2]).toMatchObject({ mentionsSelf: true, mentionsAll: true });

    const groupSent = await h.client.sendText("group:g1", "hello group");
    await server.waitForMessage(
      (m) => m.clientMsgID === groupSent.clientMsgID && m.conversationID === "sg_g1",
      5000,
    );
    // Our own sends never come back as inbound.
    await new Promise((r) => setTimeout(r, 300));
    expect(h.messages.map((m) => m.sender.userID)).not.toContain("bot1");
    expect(h.client.status().lastOutboundAt).toBeGreaterThan(0);
    expect(h.client.status().lastInboundAt).toBeGreaterThan(0);
    expect(h.client.status().lastTransportActivityAt).toBeGreaterThan(0);
    expect(errors.filter((e) => e.includes("listener bug"))).toHaveLength(3);
  } finally {
    await h.client.stop();
  }
  expect(h.client.status()).toMatchObject({ running: false, connected: false });
});
