import { afterAll, beforeAll, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server.close();
});

test("replies quote the message and @-mention the asker; read marks land on the DM and group conversations", {
  timeout: 30_000,
}, async () => {
  const account = accountOn(server, "primary", "bot1");
  server.registerUser("alice", { nickname: "Alice" });
  server.createGroup("g1", ["bot1", "alice"], { ownerUserID: "alice" });
  const h = harness(account, { tokenRefresher: devRefresher(server, () => "bot1") });
  await h.client.start();
  try {
    const asked = server.sendAs("alice", "group:g1", { text: "@bot1 what time is it?", atUserIDs: ["bot1"] });
    server.sendAs("alice", "user:bot1", "hello in private");
    await waitFor(() => h.messages.length === 2, 10_000, "inbound");
    const question = h.messages.find((m) => m.kind === "group");
    const dm = h.messages.find((m) => m.kind === "direct");
    expect(question?.conversationID).toBe("sg_g1");
    expect(dm?.conversationID).toBe("si_alice_bot1");

    // Quote + mention: an AtText message carrying the quoted original (what OpenIM clients send).
    const sent = await h.client.sendText("group:g1", "@alice noon", {
      quote: { clientMsgID: asked.clientMsgID, senderID: "alice", text: "@bot1 what time is it?" },
      atUserIDs: ["alice"],
    });
    const stored = await server.waitForMessage((m) => m.clientMsgID === sent.clientMsgID, 5000);
    expect(stored.contentType).toBe(106);
    expect(stored.atUserIDs).toEqual(["alice"]);
    expect(stored.text).toBe("@alice noon");
    const elem = stored.elem as { quoteMessage?: { clientMsgID?: string; sendID?: string } };
    expect(elem.quoteMessage).toMatchObject({ clientMsgID: asked.clientMsgID, sendID: "alice" });

    // Quote only (DM): a quote message (114) with the original inside.
    const quoted = await h.client.sendText("user:alice", "got it", {
      quote: { clientMsgID: dm?.clientMsgID ?? "", senderID: "alice", text: "hello in private" },
    });
    const storedQuote = await server.waitForMessage((m) => m.clientMsgID === quoted.clientMsgID, 5000);
    expect(storedQuote.contentType).toBe(114);
    expect((storedQuote.elem as { quoteMessage?: { clientMsgID?: string } }).quoteMessage?.clientMsgID).toBe(
      dm?.clientMsgID,
    );

    const route = "/msg/mark_conversation_as_read";
    const before = server.counters.requests[route] ?? 0;
    // Without a seq: read up to the newest message handed on (in the group, the bot's own reply after
    // the question: a sender has read its own messages anyway).
    await h.client.markRead("sg_g1");
    // With the handled message's seq (what the plugin passes): that message is marked read by seq, so
    // the sender sees it read even though the bot's reply already moved its hasReadSeq past it.
    await h.client.markRead("si_alice_bot1", dm!.seq);
    expect((server.counters.requests[route] ?? 0) - before).toBe(2);
    expect(server.readState("bot1", "sg_g1").hasReadSeq).toBeGreaterThanOrEqual(question!.seq);
    expect(server.readState("bot1", "si_alice_bot1").readSeqs).toEqual([dm!.seq]);
    // Nothing new since: a second mark is a no-op, not an error.
    await h.client.markRead("sg_g1");
    // With a seq: read up to that message, not past it (a later one is not handled yet); the seqs asked
    // for are sent too (servers before 3.8 mark only those in a group).
    server.sendAs("alice", "group:g1", "second");
    server.sendAs("alice", "group:g1", "third");
    await waitFor(() => h.messages.length === 4, 10_000, "two more inbound");
    const second = h.messages.find((m) => m.text === "second")!;
    await h.client.markRead("sg_g1", second.seq);
    expect(server.readState("bot1", "sg_g1")).toMatchObject({
      hasReadSeq: second.seq,
      readSeqs: [second.seq],
    });
    // A conversation the bot is not in is refused by the SDK (so the ids above were the real ones).
    await expect(h.client.markRead("si_bot1_nobody")).rejects.toMatchObject({ code: "SEND_FAILED" });
  } finally {
    await h.client.stop();
  }
});
