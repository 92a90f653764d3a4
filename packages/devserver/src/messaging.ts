import { randomUUID } from "node:crypto";
import { buildContent, ContentType, type SendContent } from "./content.js";
import type { ServerContext } from "./context.js";
import { parseElem } from "./dev-message.js";
import { DevServerError } from "./errors.js";
import type { Gateway } from "./gateway.js";
import { full, PbCoder } from "./pb.js";
import { type DevMessage, type MsgData, SessionType } from "./state.js";

/** A target as the plugin writes it: "user:ID" or "group:ID". */
export type Target = `user:${string}` | `group:${string}`;

export function parseTarget(target: string): { sessionType: number; recvID: string; groupID: string } {
  const m = /^(user|group):(.+)$/.exec(target);
  if (!m)
    throw new DevServerError(
      "DEVSERVER_BAD_INPUT",
      `target: expected "user:<userID>" or "group:<groupID>", got ${JSON.stringify(target)}`,
    );
  return m[1] === "user"
    ? { sessionType: SessionType.Single, recvID: m[2]!, groupID: "" }
    : { sessionType: SessionType.Group, recvID: "", groupID: m[2]! };
}

const ELEM_KEY: Record<number, string> = {
  [ContentType.Text]: "textElem",
  [ContentType.Picture]: "pictureElem",
  [ContentType.Video]: "videoElem",
  [ContentType.Voice]: "soundElem",
  [ContentType.File]: "fileElem",
  [ContentType.AtText]: "atTextElem",
  [ContentType.Quote]: "quoteElem",
};

/** A stored message in the SDK's own message shape, for a quote element. */
function sdkShape(msg: MsgData): Record<string, unknown> {
  const key = ELEM_KEY[msg.contentType];
  return {
    clientMsgID: msg.clientMsgID,
    serverMsgID: msg.serverMsgID,
    createTime: msg.createTime,
    sendTime: msg.sendTime,
    sessionType: msg.sessionType,
    sendID: msg.sendID,
    recvID: msg.recvID,
    msgFrom: msg.msgFrom,
    contentType: msg.contentType,
    senderPlatformID: msg.senderPlatformID,
    senderNickname: msg.senderNickname,
    senderFaceUrl: msg.senderFaceURL,
    groupID: msg.groupID,
    content: "",
    seq: msg.seq,
    isRead: msg.isRead,
    status: 2,
    ...(key ? { [key]: parseElem(msg) } : {}),
  };
}

/** Stores a message as the server would and pushes it to every online recipient (the sender's sockets too). */
export function storeAndDeliver(
  ctx: ServerContext,
  gw: Gateway,
  partial: Partial<MsgData>,
  via: DevMessage["via"],
): DevMessage {
  const { conv, msg } = ctx.state.append(full(PbCoder.MsgData, partial), via);
  gw.deliver(conv, msg);
  return ctx.state.log.at(-1)!;
}

/** What a human on another client would do: send `content` from `userID` to a user or a group. */
export function sendAsUser(
  ctx: ServerContext,
  gw: Gateway,
  userID: string,
  target: string,
  content: SendContent,
  via: DevMessage["via"] = "sendAs",
): DevMessage {
  if (typeof userID !== "string" || !userID)
    throw new DevServerError("DEVSERVER_BAD_INPUT", "userID: expected a non-empty string");
  const t = parseTarget(target);
  if (t.sessionType === SessionType.Group) {
    const group = ctx.state.groups.get(t.groupID);
    if (!group)
      throw new DevServerError(
        "DEVSERVER_BAD_INPUT",
        `target: group ${t.groupID} does not exist; createGroup it first`,
      );
    if (!group.memberIDs.includes(userID))
      throw new DevServerError(
        "DEVSERVER_BAD_INPUT",
        `userID: ${userID} is not a member of group ${t.groupID}`,
      );
  }
  // Content first: bad input must leave the state as it was.
  const built = buildContent(
    content,
    (id) => {
      const found = ctx.state.findByClientMsgID(id);
      return found ? sdkShape(found.msg) : undefined;
    },
    (id) => ctx.state.users.get(id)?.nickname ?? id,
  );
  if (t.recvID) ctx.state.ensureUser(t.recvID);
  const sender = ctx.state.ensureUser(userID);
  const now = Date.now();
  return storeAndDeliver(
    ctx,
    gw,
    {
      sendID: userID,
      recvID: t.recvID,
      groupID: t.groupID,
      clientMsgID: randomUUID().replace(/-/g, ""),
      senderPlatformID: 5,
      senderNickname: sender.nickname,
      senderFaceURL: sender.faceURL,
      sessionType: t.sessionType,
      msgFrom: 100,
      contentType: built.contentType,
      content: new TextEncoder().encode(JSON.stringify(built.elem)),
      createTime: now,
      atUserIDList: built.atUserIDs,
    },
    via,
  );
}
