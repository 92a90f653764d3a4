import type { MessageItem, OpenImSdk } from "./sdk-loader.js";

/** A pushed message as @openim/protocol decodes it (int64 fields may be numbers or Long-like objects). */
interface PushedMsg {
  clientMsgID?: string;
  serverMsgID?: string;
  sendID?: string;
  recvID?: string;
  groupID?: string;
  sessionType?: number;
  contentType?: number;
  seq?: unknown;
  sendTime?: unknown;
}

type TriggerConversation = (msgs: Record<string, { Msgs?: PushedMsg[] }>, operationID: string) => unknown;

interface MessageTriggerInternals {
  triggerConversation?: TriggerConversation;
}

/**
 * The SDK swallows the echo of this instance's own send (the push whose operationID matches a completed
 * send) without emitting OnRecvNewMessages, so the seq the server gave our reply never reaches the
 * ledger: the next inbound message then looks like a hole and costs a history fetch (every message after
 * every reply, for a bot that answers). Hands the own messages of every push to `onOwn` (as the SDK
 * would have emitted them) as the push is decoded, so they pass the inbound pipeline's one check: seq
 * recorded, never delivered. Internal to @openim/client-sdk 0.0.14; absent → no-op.
 */
export function observeOwnEchoes(sdk: OpenImSdk, selfUserID: string, onOwn: (items: MessageItem[]) => void) {
  const trigger = (sdk as unknown as { messageTrigger?: MessageTriggerInternals }).messageTrigger;
  const original = trigger?.triggerConversation;
  if (!trigger || typeof original !== "function") return;
  trigger.triggerConversation = function (this: unknown, msgs, operationID) {
    const result = original.call(this, msgs, operationID);
    const own = ownItems(msgs, selfUserID);
    // At once, as the push is decoded, not after the SDK's (async) handling of it: that handling took
    // 10–20 ms per reply, and a human's next message, pushed behind the echo, overtook it and waited
    // for it as a hole. An echo that comes before the SDK emitted the messages below it is kept by the
    // ledger until they are handled (Ledger.noteOwn), so seq order does not matter here.
    if (own.length > 0) {
      try {
        onOwn(own);
      } catch {
        // Never throw into the SDK's frame handling.
      }
    }
    return result;
  };
}

function ownItems(msgs: Record<string, { Msgs?: PushedMsg[] }> | undefined, self: string): MessageItem[] {
  const items: MessageItem[] = [];
  if (!msgs || typeof msgs !== "object") return items;
  for (const entry of Object.values(msgs)) {
    for (const m of entry?.Msgs ?? []) {
      if (m?.sendID !== self || !m.clientMsgID) continue;
      items.push({
        clientMsgID: m.clientMsgID,
        serverMsgID: m.serverMsgID ?? "",
        sendID: m.sendID,
        recvID: m.recvID ?? "",
        groupID: m.groupID ?? "",
        sessionType: Number(m.sessionType) || 0,
        contentType: Number(m.contentType) || 0,
        seq: Number(m.seq) || 0,
        sendTime: Number(m.sendTime) || 0,
      } as MessageItem);
    }
  }
  return items;
}
