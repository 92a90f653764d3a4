import { afterAll, beforeAll, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server.close();
});

test("directory, voice, typing, unsend and recent messages on the real SDK; a quote of the bot is flagged", {
  timeout: 30_000,
}, async () => {
  const account = accountOn(server, "primary", "bot2");
  server.registerUser("bot2", { nickname: "Helper" });
  server.registerUser("alice", { nickname: "Alice" });
  server.registerUser("alina", { nickname: "Alina" });
  server.createGroup("team", ["bot2", "alice", "alina"], { groupName: "Team Room", ownerUserID: "alice" });
  const h = harness(account, { tokenRefresher: devRefresher(server, () => "bot2") });
  await h.client.start();
  try {
    expect(await h.client.selfInfo()).toMatchObject({ userID: "bot2", nickname: "Helper" });
    expect(await h.client.joinedGroups()).toEqual([
      expect.objectContaining({ groupID: "team", groupName: "Team Room", memberCount: 3 }),
    ]);
    const members = await h.client.groupMembers("team");
    expect(members.map((m) => [m.userID, m.nickname, m.roleLevel])).toEqual([
      ["bot2", "Helper", 20],
      ["alice", "Alice", 100],
      ["alina", "Alina", 20],
    ]);
    // The friend guard is on (disableFriendSdk): no friend list, and no call reaches the server.
    expect(await h.client.friends()).toEqual([]);
    expect(server.counters.requests["/friend/get_friend_list"] ?? 0).toBe(0);

    // Voice in: audio media with its duration.
    server.sendAs("alice", "user:bot2", { sound: { url: `${server.apiAddr}/object/a/v.mp3`, duration: 4 } });
    await waitFor(() => h.messages.length === 1, 10_000, "voice");
    expect(h.messages[0]?.media).toEqual([
      expect.objectContaining({ kind: "audio", durationSec: 4, url: `${server.apiAddr}/object/a/v.mp3` }),
    ]);
    // Voice out: a native sound message (103), not a file.
    const voice = await h.client.sendSound(
      "user:alice",
      { url: "http://files.example/r.mp3", size: 10 },
      3.4,
    );
    const storedVoice = await server.waitForMessage((m) => m.clientMsgID === voice.clientMsgID, 5000);
    expect(storedVoice.contentType).toBe(103);
    expect(storedVoice.elem).toMatchObject({ sourceUrl: "http://files.example/r.mp3", duration: 3 });

    // Typing on and off in the DM: typing messages, never stored.
    await h.client.setTyping("si_alice_bot2", true);
    await h.client.setTyping("si_alice_bot2", false);
    expect(server.inputStates("si_alice_bot2").map((s) => [s.sendID, s.focus])).toEqual([
      ["bot2", true],
      ["bot2", false],
    ]);

    // Unsend by the serverMsgID a send returned (the SDK itself only knows cached clientMsgIDs).
    const oops = await h.client.sendText("user:alice", "oops");
    await h.client.revokeMessage("si_alice_bot2", oops.serverMsgID);
    await waitFor(
      () => server.messagesFor("alice").find((m) => m.clientMsgID === oops.clientMsgID)?.revoked === true,
      5000,
      "revoked",
    );
    await expect(h.client.revokeMessage("si_alice_bot2", "nope")).rejects.toMatchObject({
      code: "TARGET_INVALID",
    });

    // Recent messages, oldest first, in the inbound shape (the revoked one is a notice now: left out).
    const recent = await h.client.recentMessages("si_alice_bot2", 10);
    expect(recent.map((m) => [m.sender.userID, m.contentType])).toEqual([
      ["alice", 103],
      ["bot2", 103],
    ]);

    // Quoting the bot's message: quotesSelf; quoting someone else's: not.
    const said = await h.client.sendText("group:team", "the build is green");
    const saidStored = await server.waitForMessage((m) => m.clientMsgID === said.clientMsgID, 5000);
    server.sendAs("alice", "group:team", { text: "which one?", quoteClientMsgID: saidStored.clientMsgID });
    const other = server.sendAs("alina", "group:team", "hello");
    server.sendAs("alice", "group:team", { text: "hi alina", quoteClientMsgID: other.clientMsgID });
    await waitFor(() => h.messages.length === 4, 10_000, "group messages");
    expect(h.messages.slice(1).map((m) => [m.text, m.quotesSelf])).toEqual([
      ["which one?", true],
      ["hello", false],
      ["hi alina", false],
    ]);
    expect(server.unknownRoutes).toEqual([]);
  } finally {
    await h.client.stop();
  }
});
