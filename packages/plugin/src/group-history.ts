import type { AccountClient, InboundMessage } from "./types.js";

/** OpenClaw's HistoryEntry: what `buildContext({message: {inboundHistory}})` takes. */
export interface HistoryEntry {
  sender: string;
  body: string;
  timestamp?: number;
  messageId?: string;
}

/** OpenClaw's default for its own channels (DEFAULT_GROUP_HISTORY_LIMIT). */
export const DEFAULT_HISTORY_LIMIT = 50;
/** Groups remembered per account; the least recently active is dropped first (OpenClaw keeps 1000). */
const MAX_GROUPS = 1000;

/**
 * Group messages the bot was not asked to answer (no mention while `requireMention`), kept per group
 * up to `historyLimit` and handed to the agent with the next message it does answer, so "@bot what do
 * you think?" comes with what was said before. Memory only: a restart starts empty.
 */
export class GroupHistory {
  private readonly groups = new Map<string, HistoryEntry[]>();

  record(message: InboundMessage, body: string, limit: number): void {
    if (message.kind !== "group" || limit <= 0) return;
    const key = message.target.id;
    const entries = this.groups.get(key) ?? [];
    entries.push({
      sender: message.sender.nickname
        ? `${message.sender.nickname} (${message.sender.userID})`
        : message.sender.userID,
      body,
      timestamp: message.serverTime,
      messageId: message.clientMsgID,
    });
    if (entries.length > limit) entries.splice(0, entries.length - limit);
    this.groups.delete(key);
    this.groups.set(key, entries);
    if (this.groups.size > MAX_GROUPS) this.groups.delete(this.groups.keys().next().value as string);
  }

  /** The kept messages of the group (oldest first), now handed over: the next turn starts empty. */
  take(message: InboundMessage): HistoryEntry[] {
    if (message.kind !== "group") return [];
    const entries = this.groups.get(message.target.id) ?? [];
    this.groups.delete(message.target.id);
    return entries;
  }
}

// One history per running client: an account restart (a new client) starts afresh.
const histories = new WeakMap<AccountClient, GroupHistory>();

export function groupHistoryOf(client: AccountClient): GroupHistory {
  let history = histories.get(client);
  if (!history) {
    history = new GroupHistory();
    histories.set(client, history);
  }
  return history;
}
