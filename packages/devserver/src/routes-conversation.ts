import { ApiError, type Route } from "./api.js";
import { encodeBase64, PbCoder } from "./pb.js";
import { conversationMsg } from "./views.js";

/** Conversation, read-state and the two protobuf /jssdk routes. */
export const conversationRoutes: Record<string, Route> = {
  "/conversation/get_incremental_conversations": {
    auth: "user",
    handle: ({ ctx }) => ({
      version: 1,
      versionID: ctx.versionID,
      full: false,
      insert: [],
      update: [],
      delete: [],
    }),
  },
  "/conversation/get_not_notify_conversation_ids": { auth: "user", handle: () => ({ conversationIDs: [] }) },
  "/conversation/get_conversations_has_read_and_max_seq": {
    auth: "user",
    handle: ({ ctx, body, userID }) => {
      const ids: string[] = Array.isArray(body.conversationIDs) ? body.conversationIDs : [];
      const seqs: Record<string, unknown> = {};
      for (const conv of ctx.state.conversationsOf(userID)) {
        if (ids.length > 0 && !ids.includes(conv.conversationID)) continue;
        seqs[conv.conversationID] = {
          maxSeq: conv.msgs.length,
          hasReadSeq: conv.hasReadSeq.get(userID) ?? 0,
          maxSeqTime: conv.msgs.at(-1)?.sendTime ?? 0,
        };
      }
      return { seqs };
    },
  },
  "/conversation/set_conversations": { auth: "user", handle: () => ({}) },
  "/msg/mark_conversation_as_read": {
    auth: "user",
    handle: ({ ctx, body, userID }) => {
      const conv = ctx.state.conversations.get(String(body.conversationID ?? ""));
      if (!conv || !ctx.state.isMember(conv, userID))
        throw new ApiError(1004, `conversation ${String(body.conversationID)} not found`);
      const hasReadSeq = Math.min(Number(body.hasReadSeq ?? 0), conv.msgs.length);
      const before = conv.hasReadSeq.get(userID) ?? 0;
      // As OpenIM 3.8+: in a single chat every seq up to hasReadSeq is read, and the seqs sent too.
      const seqs = Array.isArray(body.seqs) ? [...(body.seqs as number[])] : [];
      if (conv.userIDs.length > 0) for (let seq = before + 1; seq <= hasReadSeq; seq++) seqs.push(seq);
      if (hasReadSeq > before) conv.hasReadSeq.set(userID, hasReadSeq);
      for (const seq of seqs) {
        const msg = conv.msgs[seq - 1];
        if (msg && msg.sendID !== userID) msg.isRead = true;
      }
      return {};
    },
  },
  "/jssdk/get_active_conversations": {
    auth: "user",
    handle: ({ ctx, raw, userID }) => {
      const req = PbCoder.GetActiveConversationsReq.decode(new Uint8Array(raw));
      const active = ctx.state
        .conversationsOf(userID)
        .filter((c) => c.msgs.length > 0)
        .sort((a, b) => (b.msgs.at(-1)?.sendTime ?? 0) - (a.msgs.at(-1)?.sendTime ?? 0))
        .slice(0, req.count > 0 ? req.count : undefined);
      const conversations = active.map((c) => conversationMsg(ctx, userID, c.conversationID));
      const unreadCount = conversations.reduce((n, c) => n + Math.max(0, c.maxSeq - c.readSeq), 0);
      return encodeBase64(PbCoder.GetActiveConversationsResp, { unreadCount, conversations });
    },
  },
  "/jssdk/get_conversations": {
    auth: "user",
    // Must answer every requested id, with its conversationID as the SDK's cache key; an empty list crashes the SDK.
    handle: ({ ctx, raw, userID }) => {
      const req = PbCoder.GetConversationsReq.decode(new Uint8Array(raw));
      const conversations = req.conversationIDs.map((id) => conversationMsg(ctx, userID, id));
      const unreadCount = conversations.reduce((n, c) => n + Math.max(0, c.maxSeq - c.readSeq), 0);
      return encodeBase64(PbCoder.GetConversationsResp, { unreadCount, conversations });
    },
  },
};
