import type { ServerContext } from "./context.js";
import { full, type JsSdkProto, PbCoder } from "./pb.js";
import { type Conversation, type DevGroup, type DevUser, SessionType } from "./state.js";

/** JSON shapes the REST routes answer with, as a real server fills them. */
export function userView(user: DevUser) {
  return {
    userID: user.userID,
    nickname: user.nickname,
    faceURL: user.faceURL,
    ex: "",
    createTime: user.createTime,
    appMangerLevel: 0,
    globalRecvMsgOpt: 0,
  };
}

export function groupView(group: DevGroup) {
  return {
    groupID: group.groupID,
    groupName: group.groupName,
    notification: "",
    introduction: "",
    faceURL: "",
    ownerUserID: group.ownerUserID,
    createTime: group.createTime,
    memberCount: group.memberIDs.length,
    ex: "",
    status: 0,
    creatorUserID: group.ownerUserID,
    groupType: 2,
    needVerification: 0,
    lookMemberInfo: 0,
    applyMemberFriend: 0,
    notificationUpdateTime: 0,
    notificationUserID: "",
    displayIsRead: false,
  };
}

export function memberView(ctx: ServerContext, group: DevGroup, userID: string) {
  const user = ctx.state.users.get(userID);
  return {
    groupID: group.groupID,
    userID,
    roleLevel: userID === group.ownerUserID ? 100 : 20,
    joinTime: group.createTime,
    nickname: user?.nickname ?? userID,
    faceURL: user?.faceURL ?? "",
    appMangerLevel: 0,
    joinSource: 2,
    operatorUserID: group.ownerUserID,
    ex: "",
    muteEndTime: 0,
    inviterUserID: group.ownerUserID,
  };
}

/** The other participant of a single chat, from a stored conversation or parsed from its id (userIDs may hold "_"). */
export function peerOf(conversationID: string, owner: string, conv?: Conversation): string {
  if (conv) return conv.userIDs.find((u) => u !== owner) ?? owner;
  const rest = conversationID.slice(3);
  if (rest.startsWith(`${owner}_`)) return rest.slice(owner.length + 1);
  if (rest.endsWith(`_${owner}`)) return rest.slice(0, -(owner.length + 1));
  return rest;
}

/** The protobuf ConversationMsg of /jssdk/get_conversations and get_active_conversations. */
export function conversationMsg(
  ctx: ServerContext,
  owner: string,
  conversationID: string,
): JsSdkProto.ConversationMsg {
  const conv = ctx.state.conversations.get(conversationID);
  const isGroup = conversationID.startsWith("sg_");
  const groupID = isGroup ? (conv?.groupID ?? conversationID.slice(3)) : "";
  const peer = isGroup ? "" : peerOf(conversationID, owner, conv);
  const maxSeq = conv?.msgs.length ?? 0;
  const group = isGroup ? ctx.state.groups.get(groupID) : undefined;
  const user = isGroup ? undefined : ctx.state.users.get(peer);
  return full(PbCoder.ConversationMsg, {
    conversation: full(PbCoder.Conversation, {
      ownerUserID: owner,
      conversationID,
      conversationType: isGroup ? SessionType.Group : SessionType.Single,
      userID: peer,
      groupID,
      minSeq: maxSeq > 0 ? 1 : 0,
      maxSeq,
    }),
    lastMsg: conv?.msgs.at(-1),
    user: user ? full(PbCoder.UserInfo, userView(user)) : undefined,
    group: group ? full(PbCoder.GroupInfo, groupView(group)) : undefined,
    maxSeq,
    readSeq: conv?.hasReadSeq.get(owner) ?? 0,
  });
}
