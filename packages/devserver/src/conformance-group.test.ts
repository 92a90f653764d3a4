import { afterEach, describe, expect, test } from "vitest";
import { AT_ALL_TAG } from "./content.js";
import { type DevServer, startDevServer } from "./server.js";
import { loginClient, sendText, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

describe("real SDK: groups and mentions", () => {
  test("group text both ways: sendAs reaches every member's SDK, an SDK group send reaches the others", async () => {
    server = await startDevServer();
    server.createGroup("g1", ["alice", "bot", "carol"], { groupName: "Team" });
    const bot = await loginClient(server, "bot");
    const carol = await loginClient(server, "carol");
    server.sendAs("alice", "group:g1", "hello team");
    const [atBot] = await bot.waitMessages((m) => m.sendID === "alice");
    const [atCarol] = await carol.waitMessages((m) => m.sendID === "alice");
    expect(atBot.groupID).toBe("g1");
    expect(atBot.sessionType).toBe(3);
    expect(atCarol.textElem.content).toBe("hello team");

    await sendText(bot, { groupID: "g1" }, "hello from bot");
    const [fromBot] = await carol.waitMessages((m) => m.sendID === "bot");
    expect(fromBot.textElem.content).toBe("hello from bot");
    const stored = await server.waitForMessage((m) => m.sendID === "bot" && m.groupID === "g1", 3000);
    expect(stored.conversationID).toBe("sg_g1");
    expect(stored.seq).toBe(2);
    expect(server.unknownRoutes).toEqual([]);
  });

  test("mentions arrive as atTextElem.atUserList, AtAllTag included; the SDK's own @-message reaches the server", async () => {
    server = await startDevServer();
    server.createGroup("g2", ["alice", "bot"]);
    server.registerUser("bot", { nickname: "The Bot" });
    const bot = await loginClient(server, "bot");
    server.sendAs("alice", "group:g2", { text: "@bot look", atUserIDs: ["bot"] });
    server.sendAs("alice", "group:g2", { text: "@everyone look", atAll: true });
    const [one, all] = await bot.waitMessages((m) => m.sendID === "alice", 2);
    expect(one.contentType).toBe(106);
    expect(one.atTextElem.atUserList).toEqual(["bot"]);
    // As a real client writes it: the name shown after the @, here the registered nickname.
    expect(one.atTextElem.atUsersInfo).toEqual([{ atUserID: "bot", groupNickname: "The Bot" }]);
    expect(one.atTextElem.text).toBe("@bot look");
    expect(all.atTextElem.atUserList).toEqual([AT_ALL_TAG]);

    const { data: message } = await bot.sdk.createTextAtMessage({
      text: "@alice ok",
      atUserIDList: ["alice"],
      atUsersInfo: [{ atUserID: "alice", groupNickname: "alice" }],
    });
    await bot.sdk.sendMessage({ recvID: "", groupID: "g2", message });
    const stored = await server.waitForMessage((m) => m.sendID === "bot", 3000);
    expect(stored.atUserIDs).toEqual(["alice"]);
    expect(stored.text).toBe("@alice ok");
  });

  test("image, video, file and quote messages from sendAs carry their elements", async () => {
    server = await startDevServer();
    const bot = await loginClient(server, "bot");
    const first = server.sendAs("alice", "user:bot", "original");
    server.sendAs("alice", "user:bot", { image: { url: "http://127.0.0.1:9/p.png", width: 10, height: 20 } });
    server.sendAs("alice", "user:bot", {
      video: { url: "http://127.0.0.1:9/v.mp4", snapshotUrl: "http://127.0.0.1:9/s.png", duration: 3 },
    });
    server.sendAs("alice", "user:bot", {
      file: { url: "http://127.0.0.1:9/f.pdf", name: "f.pdf", size: 42 },
    });
    server.sendAs("alice", "user:bot", { text: "replying", quoteClientMsgID: first.clientMsgID });
    const got = await bot.waitMessages((m) => m.sendID === "alice", 5);
    expect(got.map((m) => m.contentType)).toEqual([101, 102, 104, 105, 114]);
    expect(got[1].pictureElem.sourcePicture).toMatchObject({
      url: "http://127.0.0.1:9/p.png",
      width: 10,
      height: 20,
    });
    expect(got[2].videoElem).toMatchObject({
      videoUrl: "http://127.0.0.1:9/v.mp4",
      snapshotUrl: "http://127.0.0.1:9/s.png",
      duration: 3,
    });
    expect(got[3].fileElem).toMatchObject({
      sourceUrl: "http://127.0.0.1:9/f.pdf",
      fileName: "f.pdf",
      fileSize: 42,
    });
    expect(got[4].quoteElem.text).toBe("replying");
    expect(got[4].quoteElem.quoteMessage.clientMsgID).toBe(first.clientMsgID);
    expect(got[4].quoteElem.quoteMessage.textElem.content).toBe("original");
  });

  test("media by URL from the SDK via sendMessageNotOss reaches the server", async () => {
    server = await startDevServer();
    server.registerUser("alice");
    const bot = await loginClient(server, "bot");
    const pic = {
      uuid: "u1",
      type: "image/png",
      size: 5,
      width: 1,
      height: 1,
      url: "http://127.0.0.1:9/x.png",
    };
    const { data: image } = await bot.sdk.createImageMessageByURL({
      sourcePath: "",
      sourcePicture: pic,
      bigPicture: pic,
      snapshotPicture: pic,
    });
    await bot.sdk.sendMessageNotOss({ recvID: "alice", groupID: "", message: image });
    const { data: file } = await bot.sdk.createFileMessageByURL({
      filePath: "",
      fileName: "a.txt",
      uuid: "u2",
      sourceUrl: "http://127.0.0.1:9/a.txt",
      fileSize: 3,
      fileType: "text/plain",
    });
    await bot.sdk.sendMessageNotOss({ recvID: "alice", groupID: "", message: file });
    const img = await server.waitForMessage((m) => m.sendID === "bot" && m.contentType === 102, 3000);
    expect((img.elem as { sourcePicture: { url: string } }).sourcePicture.url).toBe(pic.url);
    const f = await server.waitForMessage((m) => m.sendID === "bot" && m.contentType === 105, 3000);
    expect(f.elem).toMatchObject({ fileName: "a.txt", sourceUrl: "http://127.0.0.1:9/a.txt" });
    expect(server.unknownRoutes).toEqual([]);
  });
  test("a group created after login works both ways without a re-sync", async () => {
    server = await startDevServer();
    server.registerUser("alice");
    const bot = await loginClient(server, "bot");
    server.createGroup("late", ["alice", "bot"], { groupName: "Late" });
    server.sendAs("alice", "group:late", "welcome");
    const [got] = await bot.waitMessages((m) => m.groupID === "late");
    expect(got.textElem.content).toBe("welcome");
    await sendText(bot, { groupID: "late" }, "thanks");
    const stored = await server.waitForMessage((m) => m.sendID === "bot" && m.groupID === "late", 3000);
    expect(stored.seq).toBe(2);
    expect(server.unknownRoutes).toEqual([]);
  });
});
