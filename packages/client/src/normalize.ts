import type { MessageItem } from "./sdk-loader.js";
import type { InboundMessage, MediaDescriptor, QuotedMessage } from "./types.js";

/** The "everyone" mention: a server convention, not an SDK export. */
export const AT_ALL_TAG = "AtAllTag";

const SESSION_SINGLE = 1;
const SESSION_GROUP = 3;

/** Content types a person sends (notifications are >= 1000; typing 113 is not a message). */
const TYPE = {
  text: 101,
  picture: 102,
  sound: 103,
  video: 104,
  file: 105,
  atText: 106,
  merger: 107,
  card: 108,
  location: 109,
  custom: 110,
  typing: 113,
  quote: 114,
  face: 115,
  advancedText: 117,
} as const;

/** The conversation id the server and the SDK key messages by: si_<sorted ids>, sg_<groupID>. */
export function conversationIdOf(item: Pick<MessageItem, "sessionType" | "sendID" | "recvID" | "groupID">) {
  if (item.sessionType === SESSION_GROUP) return `sg_${item.groupID}`;
  if (item.sessionType === SESSION_SINGLE) {
    // Sorted as Array#sort sorts strings (UTF-16 code units), without an array per call (hot path).
    const { sendID: a, recvID: b } = item;
    return a <= b ? `si_${a}_${b}` : `si_${b}_${a}`;
  }
  return `sn_${item.sendID}_${item.recvID}`;
}

/** Whether the item is something a person said (not a notification, typing or an unsupported session). */
export function isChatMessage(item: MessageItem): boolean {
  if (item.sessionType !== SESSION_SINGLE && item.sessionType !== SESSION_GROUP) return false;
  return item.contentType < 1000 && item.contentType !== TYPE.typing;
}

function mentionNamesOf(info: unknown): { mentionNames?: Record<string, string> } {
  if (!Array.isArray(info)) return {};
  const names: Record<string, string> = {};
  for (const entry of info as { atUserID?: unknown; groupNickname?: unknown }[]) {
    if (
      typeof entry?.atUserID === "string" &&
      typeof entry.groupNickname === "string" &&
      entry.groupNickname
    ) {
      names[entry.atUserID] = entry.groupNickname;
    }
  }
  return Object.keys(names).length > 0 ? { mentionNames: names } : {};
}

/** MessageItem (live push or history, same shape) → InboundMessage. */
export function normalizeMessage(
  item: MessageItem,
  context: { accountId: string; selfUserID: string; fromCatchUp: boolean },
): InboundMessage {
  const group = item.sessionType === SESSION_GROUP;
  const at = item.atTextElem;
  const mentioned = Array.isArray(at?.atUserList) ? at.atUserList.map(String) : [];
  const mentionsAll = mentioned.includes(AT_ALL_TAG);
  const peer = item.sendID === context.selfUserID ? item.recvID : item.sendID;
  const quote = quoteOf(item);
  return {
    accountId: context.accountId,
    kind: group ? "group" : "direct",
    conversationID: conversationIdOf(item),
    target: group ? { kind: "group", id: item.groupID } : { kind: "user", id: peer },
    sender: {
      userID: item.sendID,
      ...(item.senderNickname ? { nickname: item.senderNickname } : {}),
      ...(item.senderPlatformID ? { platformID: Number(item.senderPlatformID) } : {}),
    },
    ...(group ? { groupID: item.groupID } : {}),
    contentType: item.contentType,
    text: textOf(item),
    mentionsSelf: mentionsAll || mentioned.includes(context.selfUserID),
    mentionsAll,
    mentionedUserIDs: mentioned.filter((id) => id !== AT_ALL_TAG),
    ...mentionNamesOf(at?.atUsersInfo),
    ...(quote ? { quote } : {}),
    // Replying to (quoting) the account's own message addresses it like a mention would.
    quotesSelf: quote?.senderID !== undefined && quote.senderID === context.selfUserID,
    media: mediaOf(item),
    serverTime: Number(item.sendTime) || 0,
    clientMsgID: item.clientMsgID,
    serverMsgID: item.serverMsgID ?? "",
    seq: Number(item.seq) || 0,
    fromCatchUp: context.fromCatchUp,
  };
}

function textOf(item: MessageItem): string {
  switch (item.contentType as number) {
    case TYPE.text:
      return item.textElem?.content ?? "";
    case TYPE.atText:
      return item.atTextElem?.text ?? "";
    case TYPE.quote:
      return item.quoteElem?.text ?? "";
    case TYPE.advancedText:
      return item.advancedTextElem?.text ?? "";
    case TYPE.file:
      return item.fileElem?.fileName ?? "";
    case TYPE.location:
      return item.locationElem?.description ?? "";
    case TYPE.custom:
      return item.customElem?.description || item.customElem?.data || "";
    case TYPE.merger:
      return item.mergeElem?.title ?? "";
    case TYPE.card:
      return item.cardElem?.nickname ?? "";
    default:
      return "";
  }
}

function quoteOf(item: MessageItem): QuotedMessage | undefined {
  const quoted = item.quoteElem?.quoteMessage ?? item.atTextElem?.quoteMessage;
  if (!quoted) return undefined;
  const text =
    quoted.textElem?.content ??
    quoted.atTextElem?.text ??
    quoted.quoteElem?.text ??
    quoted.fileElem?.fileName ??
    "";
  return { clientMsgID: quoted.clientMsgID, senderID: quoted.sendID, text };
}

function mediaOf(item: MessageItem): MediaDescriptor[] {
  const media: MediaDescriptor[] = [];
  const picture = item.pictureElem;
  if (picture) {
    const source = picture.sourcePicture ?? picture.bigPicture;
    if (source?.url) {
      media.push({
        kind: "image",
        url: source.url,
        ...(source.size ? { size: source.size } : {}),
        ...(source.type ? { mimeType: source.type } : {}),
        ...(source.width ? { width: source.width } : {}),
        ...(source.height ? { height: source.height } : {}),
        ...(picture.snapshotPicture?.url ? { snapshotUrl: picture.snapshotPicture.url } : {}),
      });
    }
  }
  const video = item.videoElem;
  if (video?.videoUrl) {
    media.push({
      kind: "video",
      url: video.videoUrl,
      ...(video.videoSize ? { size: video.videoSize } : {}),
      ...(video.videoType ? { mimeType: video.videoType } : {}),
      ...(video.duration ? { durationSec: video.duration } : {}),
      ...(video.snapshotUrl ? { snapshotUrl: video.snapshotUrl } : {}),
    });
  }
  const file = item.fileElem;
  if (file?.sourceUrl) {
    media.push({
      kind: "file",
      url: file.sourceUrl,
      ...(file.fileName ? { name: file.fileName } : {}),
      ...(file.fileSize ? { size: file.fileSize } : {}),
    });
  }
  const sound = item.soundElem;
  if (sound?.sourceUrl) {
    media.push({
      kind: "audio",
      url: sound.sourceUrl,
      ...(sound.dataSize ? { size: sound.dataSize } : {}),
      ...(sound.duration ? { durationSec: sound.duration } : {}),
    });
  }
  return media;
}
