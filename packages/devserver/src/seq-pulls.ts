import type { ServerContext } from "./context.js";
import { encodeBase64, PbCoder } from "./pb.js";
import type { Conversation, MsgData } from "./state.js";

// The three seq answers the SDK's sync and catch-up rest on, shaped like the real msg service's.

export function maxReadSeqs(ctx: ServerContext, userID: string, ids: string[]): string {
  const mine = ctx.state.conversationsOf(userID);
  // Empty conversationIDs means "all of mine", including conversations created while the client was away.
  const convs = ids.length === 0 ? mine : mine.filter((c) => ids.includes(c.conversationID));
  const seqs: Record<string, { maxSeq: number; hasReadSeq: number; maxSeqTime: number }> = {};
  for (const conv of convs) {
    const last = conv.msgs.at(-1);
    seqs[conv.conversationID] = {
      maxSeq: conv.msgs.length,
      hasReadSeq: conv.hasReadSeq.get(userID) ?? 0,
      maxSeqTime: last?.sendTime ?? 0,
    };
  }
  return encodeBase64(PbCoder.GetConversationsHasReadAndMaxSeqResp, { seqs });
}

function memberConv(ctx: ServerContext, userID: string, conversationID: string): Conversation | undefined {
  const conv = ctx.state.conversations.get(conversationID);
  return conv && ctx.state.isMember(conv, userID) ? conv : undefined;
}

/** Like the real GetMsgBySeqsRange: clamps to [1, maxSeq] and answers only the newest `num` of the range. */
export function pullByRange(
  ctx: ServerContext,
  userID: string,
  ranges: { conversationID: string; begin: number; end: number; num: number }[],
): string {
  const msgs: Record<string, { Msgs: MsgData[]; isEnd: boolean }> = {};
  for (const r of ranges) {
    const conv = memberConv(ctx, userID, r.conversationID);
    const maxSeq = conv?.msgs.length ?? 0;
    const end = Math.min(r.end, maxSeq);
    let begin = Math.max(r.begin, 1);
    if (r.num > 0 && end - begin + 1 > r.num) begin = end - r.num + 1;
    const list = conv && begin <= end ? conv.msgs.slice(begin - 1, end) : [];
    msgs[r.conversationID] = { Msgs: list, isEnd: maxSeq <= r.end };
  }
  return encodeBase64(PbCoder.PullMessageBySeqsResp, { msgs, notificationMsgs: {} });
}

export function pullBySeqs(
  ctx: ServerContext,
  userID: string,
  wanted: { conversationID: string; seqs: number[] }[],
): string {
  const msgs: Record<string, { Msgs: MsgData[]; isEnd: boolean }> = {};
  for (const w of wanted) {
    const conv = memberConv(ctx, userID, w.conversationID);
    const list = conv
      ? [...new Set(w.seqs)].sort((a, b) => a - b).flatMap((seq) => conv.msgs[seq - 1] ?? [])
      : [];
    msgs[w.conversationID] = { Msgs: list, isEnd: true };
  }
  return encodeBase64(PbCoder.GetSeqMessageResp, { msgs, notificationMsgs: {} });
}
