import { textOf } from "./content.js";
import type { SdkWsProto } from "./pb.js";

type MsgData = SdkWsProto.MsgData;

/** A stored message as tests observe it: the wire fields plus the parsed element and its text. */
export interface DevMessage {
  conversationID: string;
  seq: number;
  clientMsgID: string;
  serverMsgID: string;
  sendID: string;
  recvID: string;
  groupID: string;
  sessionType: number;
  contentType: number;
  /** Text of a text, @-mention or quote message; "" for media. */
  text: string;
  /** The parsed element JSON (e.g. {content} for text, {sourcePicture,...} for images). */
  elem: unknown;
  atUserIDs: string[];
  sendTime: number;
  senderPlatformID: number;
  /** Where it came from: an SDK over the gateway, the sendAs control, or the admin /msg/send_msg route. */
  via: "ws" | "sendAs" | "admin" | "revoke";
  /** Set once the message was unsent (`/msg/revoke_msg`); pulls then return the revoke notice in its place. */
  revoked?: boolean;
}

export function parseElem(msg: MsgData): unknown {
  try {
    return JSON.parse(Buffer.from(msg.content).toString("utf8"));
  } catch {
    return null;
  }
}

export function toDevMessage(conversationID: string, msg: MsgData, via: DevMessage["via"]): DevMessage {
  const elem = parseElem(msg);
  return {
    conversationID,
    seq: msg.seq,
    clientMsgID: msg.clientMsgID,
    serverMsgID: msg.serverMsgID,
    sendID: msg.sendID,
    recvID: msg.recvID,
    groupID: msg.groupID,
    sessionType: msg.sessionType,
    contentType: msg.contentType,
    text: textOf(msg.contentType, elem),
    elem,
    atUserIDs: [...msg.atUserIDList],
    sendTime: msg.sendTime,
    senderPlatformID: msg.senderPlatformID,
    via,
  };
}
