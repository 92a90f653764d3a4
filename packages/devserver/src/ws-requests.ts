import type { ServerContext } from "./context.js";
import type { Connection, Gateway } from "./gateway.js";
import { relayTyping, TYPING_CONTENT_TYPE } from "./input-states.js";
import { decodeBase64, encodeBase64, PbCoder } from "./pb.js";
import { maxReadSeqs, pullByRange, pullBySeqs } from "./seq-pulls.js";
import { type Conversation, type MsgData, SessionType } from "./state.js";

export interface WsRequest {
  reqIdentifier: number;
  sendID: string;
  operationID: string;
  msgIncr: string;
  data: string;
}

export const ReqId = {
  GetNewestSeq: 1001,
  PullMsgByRange: 1002,
  SendMsg: 1003,
  PullMsgBySeqList: 1005,
  GetConvMaxReadSeq: 1006,
  SubUserOnlineStatus: 2005,
} as const;

/** How long the echo to the sender waits after the send reply. */
const ECHO_DELAY_MS = 20;

class WsError extends Error {
  constructor(
    readonly errCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Answers one binary request frame; a send also delivers the message (to the sender's own socket after the reply). */
export async function handleWsRequest(
  ctx: ServerContext,
  gw: Gateway,
  conn: Connection,
  req: WsRequest,
): Promise<void> {
  const route = `ws:${req.reqIdentifier}`;
  ctx.count(route);
  let after: (() => void) | undefined;
  let data = "";
  let errCode = 0;
  let errMsg = "";
  try {
    const failure = ctx.takeFailure(route);
    if (failure !== undefined) throw new WsError(failure, `[devserver] failNext(${route})`);
    switch (req.reqIdentifier) {
      case ReqId.SendMsg: {
        const drop = ctx.sendDrops.get(conn.userID);
        if (drop) {
          // The send's outcome is unknown to the client: stored (or not), and no answer ever comes.
          ctx.sendDrops.delete(conn.userID);
          if (drop.store) {
            const stored = sendMessage(ctx, conn, decodeBase64(PbCoder.MsgData, req.data));
            gw.deliver(stored.conv, stored.msg, req.operationID, conn);
          }
          gw.drop(conn.userID);
          return;
        }
        const input = decodeBase64(PbCoder.MsgData, req.data);
        if (input.contentType === TYPING_CONTENT_TYPE) {
          checkSend(ctx, conn, input);
          const relayed = relayTyping(ctx, gw, conn, input);
          data = encodeBase64(PbCoder.UserSendMsgResp, {
            serverMsgID: relayed.serverMsgID,
            clientMsgID: relayed.clientMsgID,
            sendTime: relayed.sendTime,
          });
          break;
        }
        const sent = sendMessage(ctx, conn, input);
        data = encodeBase64(PbCoder.UserSendMsgResp, {
          serverMsgID: sent.msg.serverMsgID,
          clientMsgID: sent.msg.clientMsgID,
          sendTime: sent.msg.sendTime,
        });
        gw.deliver(sent.conv, sent.msg, req.operationID, conn);
        // Echo to the sending socket after the reply with the request's operationID: the SDK then suppresses it.
        // A real server's echo comes through its push service, milliseconds later; sent at once, it races the
        // SDK's bookkeeping of the finished send and shows up in OnRecvNewMessages.
        after = () => setTimeout(() => gw.pushTo(conn, sent.conv, sent.msg, req.operationID), ECHO_DELAY_MS);
        break;
      }
      case ReqId.GetConvMaxReadSeq:
        data = maxReadSeqs(
          ctx,
          conn.userID,
          decodeBase64(PbCoder.GetConversationsHasReadAndMaxSeqReq, req.data).conversationIDs,
        );
        break;
      case ReqId.PullMsgByRange:
        data = pullByRange(ctx, conn.userID, decodeBase64(PbCoder.PullMessageBySeqsReq, req.data).seqRanges);
        break;
      case ReqId.PullMsgBySeqList:
        data = pullBySeqs(ctx, conn.userID, decodeBase64(PbCoder.GetSeqMessageReq, req.data).conversations);
        break;
      case ReqId.GetNewestSeq: {
        const maxSeqs: Record<string, number> = {};
        const minSeqs: Record<string, number> = {};
        for (const conv of ctx.state.conversationsOf(conn.userID)) {
          maxSeqs[conv.conversationID] = conv.msgs.length;
          minSeqs[conv.conversationID] = conv.msgs.length > 0 ? 1 : 0;
        }
        data = encodeBase64(PbCoder.GetMaxSeqResp, { maxSeqs, minSeqs });
        break;
      }
      case ReqId.SubUserOnlineStatus: {
        const sub = decodeBase64(PbCoder.SubUserOnlineStatus, req.data);
        for (const userID of sub.subscribeUserID) conn.subscriptions.add(userID);
        for (const userID of sub.unsubscribeUserID) conn.subscriptions.delete(userID);
        const subscribers = sub.subscribeUserID.map((userID) => ({
          userID,
          onlinePlatformIDs: gw.onlinePlatforms(userID),
        }));
        data = encodeBase64(PbCoder.SubUserOnlineStatusTips, { subscribers });
        break;
      }
      default:
        ctx.recordUnknown(route);
        throw new WsError(1001, `[devserver] unsupported reqIdentifier ${req.reqIdentifier}`);
    }
  } catch (error) {
    errCode = error instanceof WsError ? error.errCode : 500;
    errMsg = error instanceof Error ? error.message : String(error);
    after = undefined;
  }
  await ctx.delay();
  gw.reply(conn, req, errCode, errMsg, data);
  after?.();
}

function sendMessage(
  ctx: ServerContext,
  conn: Connection,
  msg: MsgData,
): { conv: Conversation; msg: MsgData } {
  checkSend(ctx, conn, msg);
  return ctx.state.append(msg, "ws");
}

/** The checks a real server makes on every send: the sender is the socket's user, the target exists. */
function checkSend(ctx: ServerContext, conn: Connection, msg: MsgData): void {
  if (msg.sendID !== conn.userID) throw new WsError(1002, "sendID is not the logged-in user");
  if (!msg.clientMsgID) throw new WsError(1001, "clientMsgID is empty");
  if (msg.sessionType === SessionType.Group) {
    const group = ctx.state.groups.get(msg.groupID);
    if (!group) throw new WsError(1201, `group ${msg.groupID} not found`);
    if (!group.memberIDs.includes(conn.userID)) throw new WsError(1203, `not in group ${msg.groupID}`);
  } else if (msg.sessionType === SessionType.Single) {
    if (!ctx.state.users.has(msg.recvID)) throw new WsError(1101, `user ${msg.recvID} not found`);
  } else {
    throw new WsError(1001, `sessionType ${msg.sessionType} not supported`);
  }
}
