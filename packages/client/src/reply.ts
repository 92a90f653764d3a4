import type { MessageItem, OpenImSdk } from "./sdk-loader.js";
import type { TextOptions } from "./types.js";

const TEXT = 101;

/**
 * The quoted message as the SDK wants it (a whole MessageItem). The one we received is used when it is
 * still in the recent cache; otherwise a minimal text item with the same ids stands in (what clients
 * render: sender and text).
 */
function quotedItem(quote: NonNullable<TextOptions["quote"]>, recent?: MessageItem): MessageItem {
  if (recent) return recent;
  return {
    clientMsgID: quote.clientMsgID,
    serverMsgID: quote.serverMsgID ?? "",
    sendID: quote.senderID ?? "",
    senderNickname: quote.senderNickname ?? quote.senderID ?? "",
    contentType: TEXT,
    textElem: { content: quote.text ?? "" },
    sendTime: quote.sendTime ?? 0,
    seq: quote.seq ?? 0,
  } as unknown as MessageItem;
}

/**
 * Text, @-mention (AtText, optionally quoting) or quote message. OpenIM has no "quote + mention"
 * type other than AtText carrying `quoteMessage`, which is what its own clients send.
 */
export async function createTextMessageFor(
  sdk: OpenImSdk,
  text: string,
  options: TextOptions,
  recent: (clientMsgID: string) => MessageItem | undefined,
): Promise<{ data: MessageItem }> {
  const created = await createTextMessage(sdk, text, options, recent);
  // The SDK sends the item as given: a caller's idempotency key becomes the message's id.
  if (options.clientMsgID) created.data.clientMsgID = options.clientMsgID;
  return created;
}

function createTextMessage(
  sdk: OpenImSdk,
  text: string,
  options: TextOptions,
  recent: (clientMsgID: string) => MessageItem | undefined,
): Promise<{ data: MessageItem }> {
  const quote = options.quote ? quotedItem(options.quote, recent(options.quote.clientMsgID)) : undefined;
  const at = [...new Set(options.atUserIDs ?? [])].slice(0, 10);
  if (at.length > 0) {
    return sdk.createTextAtMessage({
      text,
      atUserIDList: at,
      atUsersInfo: at.map((id) => ({ atUserID: id, groupNickname: options.atNames?.[id] ?? id })),
      ...(quote ? { message: quote } : {}),
    }) as Promise<{ data: MessageItem }>;
  }
  if (quote) {
    return sdk.createQuoteMessage({ text, message: JSON.stringify(quote) }) as Promise<{ data: MessageItem }>;
  }
  return sdk.createTextMessage(text) as Promise<{ data: MessageItem }>;
}

/** Recently delivered items by clientMsgID, bounded, so a reply can quote the original message. */
export class RecentItems {
  private readonly items = new Map<string, MessageItem>();
  constructor(private readonly max = 500) {}
  add(item: MessageItem): void {
    if (!item?.clientMsgID) return;
    this.items.delete(item.clientMsgID);
    this.items.set(item.clientMsgID, item);
    if (this.items.size > this.max) this.items.delete(this.items.keys().next().value as string);
  }
  get(clientMsgID: string): MessageItem | undefined {
    return this.items.get(clientMsgID);
  }
  clear(): void {
    this.items.clear();
  }
}
