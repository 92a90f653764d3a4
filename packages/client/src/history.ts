import { cachedMaxSeq, type MessageItem, type OpenImSdk, raiseCachedMaxSeq } from "./sdk-loader.js";
import { withTimeout } from "./timeout.js";

export interface HistoryPage {
  /** Oldest first. */
  messages: MessageItem[];
  isEnd: boolean;
}

/** What catch-up needs from one live SDK instance. */
export interface HistoryApi {
  conversationIDs(): Promise<string[]>;
  page(conversationID: string, startClientMsgID: string | undefined, count: number): Promise<HistoryPage>;
  maxSeq(conversationID: string): number | undefined;
  raiseMaxSeq(conversationID: string, seq: number): void;
}

const CONVERSATION_PAGE = 50;

export function createHistoryApi(sdk: OpenImSdk, timeoutMs: number): HistoryApi {
  // The SDK keeps one history cursor per instance; a late answer to a timed-out call would move it, so
  // the next call first waits (bounded) for the previous one to settle.
  let inflight: Promise<unknown> = Promise.resolve();
  const settle = () => withTimeout(inflight, timeoutMs, "previous history call").catch(() => undefined);

  return {
    async conversationIDs() {
      const ids: string[] = [];
      for (let offset = 0; ; offset += CONVERSATION_PAGE) {
        const call = sdk.getConversationListSplit({ offset, count: CONVERSATION_PAGE });
        const { data } = await withTimeout(call, timeoutMs, "getConversationListSplit");
        const page = Array.isArray(data) ? data : [];
        for (const conversation of page)
          if (conversation?.conversationID) ids.push(conversation.conversationID);
        if (page.length < CONVERSATION_PAGE) return ids;
      }
    },
    async page(conversationID, startClientMsgID, count) {
      await settle();
      const call = sdk.getAdvancedHistoryMessageList({
        conversationID,
        count,
        startClientMsgID: startClientMsgID ?? "",
      });
      inflight = call.catch(() => undefined);
      const { data } = await withTimeout(call, timeoutMs, "getAdvancedHistoryMessageList");
      const messages = [...(data?.messageList ?? [])].sort((a, b) => a.seq - b.seq);
      return { messages, isEnd: Boolean(data?.isEnd) };
    },
    maxSeq: (conversationID) => cachedMaxSeq(sdk, conversationID),
    raiseMaxSeq: (conversationID, seq) => raiseCachedMaxSeq(sdk, conversationID, seq),
  };
}
