import { DevServerError } from "./errors.js";

/** OpenIM content types this server builds and reads (the SDK's MessageType). */
export const ContentType = {
  Text: 101,
  Picture: 102,
  Voice: 103,
  Video: 104,
  File: 105,
  AtText: 106,
  Custom: 110,
  Quote: 114,
} as const;

/** The "everyone" mention: a server convention in atUserList, not an SDK export. */
export const AT_ALL_TAG = "AtAllTag";

export interface ImageContent {
  url: string;
  width?: number;
  height?: number;
  size?: number;
  type?: string;
}
export interface VideoContent {
  url: string;
  snapshotUrl?: string;
  duration?: number;
  size?: number;
  type?: string;
}
export interface SoundContent {
  url: string;
  /** Seconds, as the sender's app recorded it. */
  duration?: number;
  size?: number;
  type?: string;
}
export interface FileContent {
  url: string;
  name: string;
  size?: number;
  type?: string;
}

/** What `sendAs` accepts: plain text, or one kind of element. */
export type SendContent =
  | string
  | {
      text?: string;
      /** Mentions (group only); makes an AtText message. */
      atUserIDs?: string[];
      /** Adds the `AtAllTag` mention. */
      atAll?: boolean;
      image?: ImageContent;
      video?: VideoContent;
      file?: FileContent;
      /** A voice message (content type 103). */
      sound?: SoundContent;
      /** Quote an earlier message by its clientMsgID (with `text` as the reply). */
      quoteClientMsgID?: string;
      /** Escape hatch: a raw element JSON and its content type. */
      raw?: { contentType: number; elem: unknown };
    };

export interface BuiltContent {
  contentType: number;
  elem: unknown;
  atUserIDs: string[];
}

/** Builds the element JSON the SDK expects for each content type; `quoted` is the SDK-shaped quoted message. */
export function buildContent(
  content: SendContent,
  quoted?: (clientMsgID: string) => unknown,
  nickname: (userID: string) => string = (userID) => userID,
): BuiltContent {
  if (typeof content === "string") return { contentType: ContentType.Text, elem: { content }, atUserIDs: [] };
  if (!content || typeof content !== "object") {
    throw new DevServerError("DEVSERVER_BAD_INPUT", "content: expected a string or an object like {text}");
  }
  if (content.raw) return { contentType: content.raw.contentType, elem: content.raw.elem, atUserIDs: [] };
  const text = content.text ?? "";
  if (content.image) {
    const p = content.image;
    const pic = {
      uuid: "",
      type: p.type ?? "image/png",
      size: p.size ?? 0,
      width: p.width ?? 0,
      height: p.height ?? 0,
      url: p.url,
    };
    return {
      contentType: ContentType.Picture,
      elem: { sourcePath: "", sourcePicture: pic, bigPicture: pic, snapshotPicture: pic },
      atUserIDs: [],
    };
  }
  if (content.video) {
    const v = content.video;
    const elem = {
      videoPath: "",
      videoUUID: "",
      videoUrl: v.url,
      videoType: v.type ?? "video/mp4",
      videoSize: v.size ?? 0,
      duration: v.duration ?? 0,
      snapshotPath: "",
      snapshotUUID: "",
      snapshotSize: 0,
      snapshotUrl: v.snapshotUrl ?? "",
      snapshotWidth: 0,
      snapshotHeight: 0,
      snapshotType: "image/png",
    };
    return { contentType: ContentType.Video, elem, atUserIDs: [] };
  }
  if (content.sound) {
    const v = content.sound;
    const elem = {
      uuid: "",
      soundPath: "",
      sourceUrl: v.url,
      dataSize: v.size ?? 0,
      duration: v.duration ?? 0,
      soundType: v.type ?? "audio/mpeg",
    };
    return { contentType: ContentType.Voice, elem, atUserIDs: [] };
  }
  if (content.file) {
    const f = content.file;
    const elem = {
      filePath: "",
      uuid: "",
      sourceUrl: f.url,
      fileName: f.name,
      fileSize: f.size ?? 0,
      fileType: f.type ?? "",
    };
    return { contentType: ContentType.File, elem, atUserIDs: [] };
  }
  if (content.quoteClientMsgID) {
    const quoteMessage = quoted?.(content.quoteClientMsgID);
    if (!quoteMessage)
      throw new DevServerError(
        "DEVSERVER_BAD_INPUT",
        `content.quoteClientMsgID: no stored message ${content.quoteClientMsgID}`,
      );
    return { contentType: ContentType.Quote, elem: { text, quoteMessage }, atUserIDs: [] };
  }
  const atUserIDs = [...(content.atUserIDs ?? []), ...(content.atAll ? [AT_ALL_TAG] : [])];
  if (atUserIDs.length > 0) {
    const atUsersInfo = atUserIDs.map((atUserID) => ({
      atUserID,
      // What a real client puts here: the name it showed after the @ in the text.
      groupNickname: atUserID === AT_ALL_TAG ? "everyone" : nickname(atUserID),
    }));
    return {
      contentType: ContentType.AtText,
      elem: { text, atUserList: atUserIDs, atUsersInfo, isAtSelf: false },
      atUserIDs,
    };
  }
  return { contentType: ContentType.Text, elem: { content: text }, atUserIDs: [] };
}

/** The readable text of an element, whatever its type ("" for media). */
export function textOf(contentType: number, elem: unknown): string {
  const e = (elem ?? {}) as Record<string, unknown>;
  if (contentType === ContentType.Text) return String(e.content ?? "");
  if (contentType === ContentType.AtText || contentType === ContentType.Quote) return String(e.text ?? "");
  return "";
}
