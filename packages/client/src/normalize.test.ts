import { expect, test } from "vitest";
import { AT_ALL_TAG, conversationIdOf, isChatMessage, normalizeMessage } from "./normalize.js";
import type { MessageItem } from "./sdk-loader.js";

const base = {
  clientMsgID: "c1",
  serverMsgID: "s1",
  sendTime: 1700000000123,
  sendID: "bob",
  recvID: "bot",
  groupID: "",
  seq: 7,
  senderNickname: "Bob",
  senderPlatformID: 5,
} as unknown as MessageItem;
const ctx = { accountId: "primary", selfUserID: "bot", fromCatchUp: false };

test("a direct text message", () => {
  const m = normalizeMessage({ ...base, sessionType: 1, contentType: 101, textElem: { content: "hi" } }, ctx);
  expect(m).toMatchObject({
    accountId: "primary",
    kind: "direct",
    conversationID: "si_bob_bot",
    target: { kind: "user", id: "bob" },
    sender: { userID: "bob", nickname: "Bob" },
    text: "hi",
    mentionsSelf: false,
    serverTime: 1700000000123,
    clientMsgID: "c1",
    serverMsgID: "s1",
    seq: 7,
    media: [],
  });
});

test("group @-mentions: self, AtAllTag, others", () => {
  const at = (list: string[]) =>
    normalizeMessage(
      {
        ...base,
        sessionType: 3,
        groupID: "g1",
        contentType: 106,
        atTextElem: { text: "@x hello", atUserList: list },
      },
      ctx,
    );
  expect(at(["bot"])).toMatchObject({
    kind: "group",
    conversationID: "sg_g1",
    target: { kind: "group", id: "g1" },
    mentionsSelf: true,
    mentionsAll: false,
    text: "@x hello",
  });
  expect(at([AT_ALL_TAG])).toMatchObject({ mentionsSelf: true, mentionsAll: true, mentionedUserIDs: [] });
  expect(at(["carol"])).toMatchObject({ mentionsSelf: false, mentionedUserIDs: ["carol"] });
});

test("the names a client wrote after each @ (atUsersInfo) come along by userID", () => {
  const message = normalizeMessage(
    {
      ...base,
      sessionType: 3,
      groupID: "g1",
      contentType: 106,
      atTextElem: {
        text: "@Bot Prime hello",
        atUserList: ["bot"],
        atUsersInfo: [{ atUserID: "bot", groupNickname: "Bot Prime" }, { atUserID: "x" }],
      },
    } as unknown as MessageItem,
    ctx,
  );
  expect(message.mentionNames).toEqual({ bot: "Bot Prime" });
  expect(normalizeMessage({ ...base, sessionType: 1 }, ctx).mentionNames).toBeUndefined();
});

test("quote and media descriptors", () => {
  const quote = normalizeMessage(
    {
      ...base,
      sessionType: 1,
      contentType: 114,
      quoteElem: {
        text: "yes",
        quoteMessage: { clientMsgID: "q0", sendID: "bot", contentType: 101, textElem: { content: "ok?" } },
      },
    } as unknown as MessageItem,
    ctx,
  );
  expect(quote).toMatchObject({ text: "yes", quote: { clientMsgID: "q0", senderID: "bot", text: "ok?" } });
  const picture = { uuid: "u", type: "image/png", size: 10, width: 2, height: 3, url: "http://x/a.png" };
  const image = normalizeMessage(
    {
      ...base,
      sessionType: 1,
      contentType: 102,
      pictureElem: { sourcePath: "", sourcePicture: picture, bigPicture: picture, snapshotPicture: picture },
    } as unknown as MessageItem,
    ctx,
  );
  expect(image.media).toEqual([
    {
      kind: "image",
      url: "http://x/a.png",
      size: 10,
      mimeType: "image/png",
      width: 2,
      height: 3,
      snapshotUrl: "http://x/a.png",
    },
  ]);
  const file = normalizeMessage(
    {
      ...base,
      sessionType: 1,
      contentType: 105,
      fileElem: { filePath: "", uuid: "f", sourceUrl: "http://x/r.pdf", fileName: "r.pdf", fileSize: 99 },
    } as unknown as MessageItem,
    ctx,
  );
  expect(file).toMatchObject({
    text: "r.pdf",
    media: [{ kind: "file", url: "http://x/r.pdf", name: "r.pdf", size: 99 }],
  });
});

test("own direct message targets the peer; notifications and typing are not chat", () => {
  const own = normalizeMessage(
    { ...base, sendID: "bot", recvID: "bob", sessionType: 1, contentType: 101 } as MessageItem,
    ctx,
  );
  expect(own.target).toEqual({ kind: "user", id: "bob" });
  expect(conversationIdOf({ sessionType: 1, sendID: "z", recvID: "a", groupID: "" } as MessageItem)).toBe(
    "si_a_z",
  );
  expect(isChatMessage({ ...base, sessionType: 1, contentType: 1201 } as MessageItem)).toBe(false);
  expect(isChatMessage({ ...base, sessionType: 1, contentType: 113 } as MessageItem)).toBe(false);
  expect(isChatMessage({ ...base, sessionType: 4, contentType: 101 } as MessageItem)).toBe(false);
});
