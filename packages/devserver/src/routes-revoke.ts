import { randomUUID } from "node:crypto";
import { ApiError, type Route, type RouteCall } from "./api.js";
import { full, PbCoder } from "./pb.js";
import { type Conversation, type MsgData, SessionType } from "./state.js";

/** OpenIM's revoke notification content type (MsgRevokeNotification). */
export const REVOKE_NOTIFICATION = 2101;

/**
 * `/msg/revoke_msg` `{conversationID, seq, userID}` as a real OpenIM server answers it: only the sender
 * (or the group's owner) may unsend; the stored message is replaced by the revoke notice (later pulls
 * return that, not the original), and a notification (2101, `{detail: RevokeMsgTips}`) goes to the
 * conversation's members through the notification conversation (`n_…`), pushed in `notificationMsgs`
 * with the caller's operationID (the revoker's own SDK recognises it and does not apply it twice).
 */
export const revokeRoutes: Record<string, Route> = {
  "/msg/revoke_msg": {
    auth: "user",
    handle: (call) => {
      const { ctx, body, userID } = call;
      if (body.userID !== userID) throw new ApiError(1002, "userID is not the token's user");
      const conv = ctx.state.conversations.get(String(body.conversationID ?? ""));
      if (!conv || !ctx.state.isMember(conv, userID))
        throw new ApiError(1004, `conversation ${String(body.conversationID)} not found`);
      const seq = Number(body.seq);
      const msg = Number.isInteger(seq) ? conv.msgs[seq - 1] : undefined;
      if (!msg) throw new ApiError(1004, `no message with seq ${String(body.seq)}`);
      if (msg.contentType === REVOKE_NOTIFICATION) throw new ApiError(1001, "message already revoked");
      const owner = conv.sessionType === SessionType.Group && ctx.state.groups.get(conv.groupID)?.ownerUserID;
      if (msg.sendID !== userID && owner !== userID)
        throw new ApiError(1002, "only the sender or the group owner may revoke a message");
      const tips = {
        revokerUserID: userID,
        clientMsgID: msg.clientMsgID,
        revokeTime: Date.now(),
        seq: msg.seq,
        sesstionType: msg.sessionType,
        conversationID: conv.conversationID,
        isAdminRevoke: msg.sendID !== userID,
      };
      const content = new TextEncoder().encode(JSON.stringify({ detail: JSON.stringify(tips) }));
      conv.msgs[seq - 1] = full(PbCoder.MsgData, {
        ...msg,
        contentType: REVOKE_NOTIFICATION,
        content,
      });
      const record = ctx.state.log.find((m) => m.conversationID === conv.conversationID && m.seq === seq);
      if (record) record.revoked = true;
      notify(call, conv, msg, content);
      return {};
    },
  },
};

function notify(call: RouteCall, conv: Conversation, revoked: MsgData, content: Uint8Array): void {
  const { ctx, gw, userID, operationID } = call;
  const id = `n_${conv.conversationID.slice(3)}`;
  let notices = ctx.state.conversations.get(id);
  if (!notices) {
    notices = { ...conv, conversationID: id, msgs: [], hasReadSeq: new Map() };
    ctx.state.conversations.set(id, notices);
  }
  const notice = full(PbCoder.MsgData, {
    sendID: userID,
    recvID: revoked.recvID === userID ? revoked.sendID : revoked.recvID,
    groupID: revoked.groupID,
    clientMsgID: randomUUID().replace(/-/g, ""),
    serverMsgID: `srv-revoke-${Date.now()}`,
    sessionType: revoked.sessionType,
    msgFrom: 200,
    contentType: REVOKE_NOTIFICATION,
    content,
    seq: notices.msgs.length + 1,
    sendTime: Date.now(),
    createTime: Date.now(),
    status: 2,
  });
  notices.msgs.push(notice);
  gw.notify(notices, notice, operationID);
}
