import { type DevMessage, toDevMessage } from "./dev-message.js";
import type { InputStateRecord } from "./input-states.js";
import { full, PbCoder, type SdkWsProto } from "./pb.js";

export type MsgData = SdkWsProto.MsgData;
export type { DevMessage };

export const SessionType = { Single: 1, Group: 3 } as const;

export interface DevUser {
  userID: string;
  nickname: string;
  faceURL: string;
  createTime: number;
}

export interface DevGroup {
  groupID: string;
  groupName: string;
  ownerUserID: string;
  memberIDs: string[];
  createTime: number;
  /** Bumped on every membership change, so the SDK's incremental member sync sees a difference. */
  version: number;
}

export interface Conversation {
  conversationID: string;
  sessionType: number;
  /** Both participants of a single chat; empty for a group chat. */
  userIDs: string[];
  groupID: string;
  msgs: MsgData[];
  hasReadSeq: Map<string, number>;
}

export function singleConversationID(a: string, b: string): string {
  const [x, y] = [a, b].sort();
  return `si_${x}_${y}`;
}

/** Users, groups, conversations and their messages with per-conversation seqs (1, 2, …). */
export class DevState {
  readonly users = new Map<string, DevUser>();
  readonly groups = new Map<string, DevGroup>();
  readonly conversations = new Map<string, Conversation>();
  readonly log: DevMessage[] = [];
  readonly listeners = new Set<(message: DevMessage) => void>();
  /** Typing states clients sent (never stored as messages, like a real server). */
  readonly inputStates: InputStateRecord[] = [];
  private serverMsgCounter = 0;

  ensureUser(userID: string, info: { nickname?: string; faceURL?: string } = {}): DevUser {
    const existing = this.users.get(userID);
    if (existing) {
      if (info.nickname !== undefined) existing.nickname = info.nickname;
      if (info.faceURL !== undefined) existing.faceURL = info.faceURL;
      return existing;
    }
    const user = {
      userID,
      nickname: info.nickname ?? userID,
      faceURL: info.faceURL ?? "",
      createTime: Date.now(),
    };
    this.users.set(userID, user);
    return user;
  }

  conversationFor(msg: Pick<MsgData, "sessionType" | "sendID" | "recvID" | "groupID">): Conversation {
    const group = msg.sessionType === SessionType.Group;
    const conversationID = group ? `sg_${msg.groupID}` : singleConversationID(msg.sendID, msg.recvID);
    let conv = this.conversations.get(conversationID);
    if (!conv) {
      conv = {
        conversationID,
        sessionType: group ? SessionType.Group : SessionType.Single,
        userIDs: group ? [] : [msg.sendID, msg.recvID],
        groupID: group ? msg.groupID : "",
        msgs: [],
        hasReadSeq: new Map(),
      };
      this.conversations.set(conversationID, conv);
    }
    return conv;
  }

  /** Assigns seq, serverMsgID and sendTime (the server's clock), stores, records and notifies. */
  append(input: MsgData, via: DevMessage["via"]): { conv: Conversation; msg: MsgData } {
    const conv = this.conversationFor(input);
    const msg = full(PbCoder.MsgData, { ...input, options: { ...input.options } });
    msg.seq = conv.msgs.length + 1;
    msg.sendTime = Date.now();
    msg.serverMsgID ||= `srv-${++this.serverMsgCounter}-${msg.sendTime}`;
    msg.status = 2;
    conv.msgs.push(msg);
    conv.hasReadSeq.set(msg.sendID, msg.seq);
    const record = toDevMessage(conv.conversationID, msg, via);
    this.log.push(record);
    for (const listener of this.listeners) listener(record);
    return { conv, msg };
  }

  isMember(conv: Conversation, userID: string): boolean {
    if (conv.sessionType === SessionType.Group)
      return this.groups.get(conv.groupID)?.memberIDs.includes(userID) ?? false;
    return conv.userIDs.includes(userID);
  }

  /** Everyone a message in this conversation goes to (the sender included: the real server echoes). */
  recipients(conv: Conversation): string[] {
    if (conv.sessionType === SessionType.Group) return [...(this.groups.get(conv.groupID)?.memberIDs ?? [])];
    return [...new Set(conv.userIDs)];
  }

  /** A user's conversations: single chats with messages and every joined group (even before its first message). */
  conversationsOf(userID: string): Conversation[] {
    const out: Conversation[] = [];
    for (const group of this.groups.values()) {
      if (group.memberIDs.includes(userID))
        out.push(
          this.conversationFor({
            sessionType: SessionType.Group,
            groupID: group.groupID,
            sendID: "",
            recvID: "",
          }),
        );
    }
    for (const conv of this.conversations.values()) {
      if (conv.sessionType === SessionType.Single && conv.userIDs.includes(userID)) out.push(conv);
    }
    return out;
  }

  findByClientMsgID(clientMsgID: string): { conv: Conversation; msg: MsgData } | undefined {
    for (const conv of this.conversations.values()) {
      const msg = conv.msgs.find((m) => m.clientMsgID === clientMsgID);
      if (msg) return { conv, msg };
    }
    return undefined;
  }
}
