import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { CbEvents, loginClient, sendText, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
const until = async (check: () => boolean, ms = 3000) => {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

describe("real SDK: typing, voice, revoke, member lists", () => {
  test("changeInputStates: the peer's SDK sees typing on, then off; nothing is stored", async () => {
    server = await startDevServer();
    const bot = await loginClient(server, "bot");
    const alice = await loginClient(server, "alice");
    server.sendAs("alice", "user:bot", "hi");
    await bot.waitMessages((m) => m.sendID === "alice");
    const before = server.messagesFor("alice").length;
    await bot.sdk.changeInputStates({ conversationID: "si_alice_bot", focus: true });
    const on = await alice.waitEvent(CbEvents.OnConversationUserInputStatusChanged, 3000);
    expect(on.data).toMatchObject({ conversationID: "si_alice_bot", userID: "bot" });
    expect((on.data as { platformIDs: number[] }).platformIDs.length).toBe(1);
    await bot.sdk.changeInputStates({ conversationID: "si_alice_bot", focus: false });
    // The "stopped" message reaches alice's SDK (a second event). This JS SDK (0.0.14) keeps reporting
    // the platform until its 15 s TTL runs out even then; OpenIM's Go-core apps clear at once.
    await until(
      () =>
        alice.events.filter((e) => e.event === CbEvents.OnConversationUserInputStatusChanged).length === 2,
    );
    expect(server.inputStates("si_alice_bot").map((s) => s.focus)).toEqual([true, false]);
    expect(server.messagesFor("alice").length).toBe(before);
    expect(alice.received.some((m) => m.contentType === 113)).toBe(false);
    expect(server.unknownRoutes).toEqual([]);
  });

  test("a voice message both ways: sendAs sound reaches the SDK as soundElem; the SDK's sound by URL is stored", async () => {
    server = await startDevServer();
    const bot = await loginClient(server, "bot");
    server.sendAs("alice", "user:bot", { sound: { url: "http://x/v.mp3", duration: 7, size: 900 } });
    const [voice] = await bot.waitMessages((m) => m.sendID === "alice");
    expect(voice.contentType).toBe(103);
    expect(voice.soundElem).toMatchObject({ sourceUrl: "http://x/v.mp3", duration: 7, dataSize: 900 });
    const { data: message } = await bot.sdk.createSoundMessageByURL({
      uuid: "u1",
      soundPath: "",
      sourceUrl: "http://x/r.mp3",
      dataSize: 10,
      duration: 3,
      soundType: "audio/mpeg",
    });
    await bot.sdk.sendMessageNotOss({ recvID: "alice", groupID: "", message });
    const stored = await server.waitForMessage((m) => m.sendID === "bot", 3000);
    expect(stored.contentType).toBe(103);
    expect(stored.elem).toMatchObject({ sourceUrl: "http://x/r.mp3", duration: 3 });
  });

  test("revokeMessage: the peer's SDK gets OnNewRecvMessageRevoked, the store marks it, a later pull returns the notice", async () => {
    server = await startDevServer();
    const bot = await loginClient(server, "bot");
    const alice = await loginClient(server, "alice");
    server.sendAs("alice", "user:bot", "hi");
    await bot.waitMessages((m) => m.sendID === "alice");
    const sent = await sendText(bot, { recvID: "alice" }, "oops");
    await alice.waitMessages((m) => m.sendID === "bot");
    // The SDK revokes from its message cache, which its own sends do not enter: once the echo moved its
    // newest seq, a history page loads it.
    await until(() => bot.sdk.messageTrigger.cache.getCachedMaxReadSeq("si_alice_bot")?.maxSeq === 2);
    await bot.sdk.getAdvancedHistoryMessageList({
      conversationID: "si_alice_bot",
      count: 20,
      startClientMsgID: "",
    });
    await bot.sdk.revokeMessage({ conversationID: "si_alice_bot", clientMsgID: sent.clientMsgID });
    const revoked = await alice.waitEvent(CbEvents.OnNewRecvMessageRevoked, 3000);
    expect(revoked.data).toMatchObject({ clientMsgID: sent.clientMsgID, revokerID: "bot" });
    const record = server.messagesFor("alice").find((m) => m.clientMsgID === sent.clientMsgID);
    expect(record?.revoked).toBe(true);
    const later = await loginClient(server, "alice");
    const { data: page } = await later.sdk.getAdvancedHistoryMessageList({
      conversationID: "si_alice_bot",
      count: 10,
      startClientMsgID: "",
    });
    const pulled = page.messageList.find((m: { clientMsgID: string }) => m.clientMsgID === sent.clientMsgID);
    expect(pulled?.contentType).toBe(2101);
    // The server itself refuses others' messages (the SDK checks first; a raw call shows the server's answer).
    const revokeAs = async (userID: string, seq: number) => {
      const res = await fetch(`${server?.apiAddr}/msg/revoke_msg`, {
        method: "POST",
        headers: {
          token: server?.mintToken(userID) ?? "",
          operationID: "op-1",
          "content-type": "application/json",
        },
        body: JSON.stringify({ conversationID: "si_alice_bot", seq, userID }),
      });
      return ((await res.json()) as { errCode: number }).errCode;
    };
    const hi = server.messagesFor("alice").find((m) => m.sendID === "alice");
    expect(await revokeAs("bot", hi?.seq ?? 0)).toBe(1002);
    expect(await revokeAs("bot", record?.seq ?? 0)).toBe(1001);
    expect(server.unknownRoutes).toEqual([]);
  });

  test("group member and joined group lists are paged like a real server's", async () => {
    server = await startDevServer();
    const ids = Array.from({ length: 25 }, (_, i) => `u${String(i).padStart(2, "0")}`);
    server.createGroup("big", ["bot", ...ids], { groupName: "Big Room" });
    server.createGroup("small", ["bot", "alice"], { groupName: "Small Room" });
    const bot = await loginClient(server, "bot");
    const first = await bot.sdk.getGroupMemberList({ groupID: "big", filter: 0, offset: 0, count: 10 });
    const third = await bot.sdk.getGroupMemberList({ groupID: "big", filter: 0, offset: 20, count: 10 });
    expect(first.data.map((m: { userID: string }) => m.userID)).toEqual(["bot", ...ids.slice(0, 9)]);
    expect(third.data).toHaveLength(6);
    const groups = await bot.sdk.getJoinedGroupListPage({ offset: 0, count: 100 });
    expect(groups.data.map((g: { groupName: string }) => g.groupName).sort()).toEqual([
      "Big Room",
      "Small Room",
    ]);
  });
});
