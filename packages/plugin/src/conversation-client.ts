import { MultiOpenimError, type Target } from "@multi-openim/core";
import type { AccountRegistry } from "./registry.js";
import type { AccountClient, InboundMessage, MediaSource, SendResult } from "./types.js";

export interface DirectoryUser {
  userID: string;
  nickname: string;
  roleLevel?: number;
}
export interface DirectoryGroup {
  groupID: string;
  groupName: string;
  memberCount?: number;
}

/** The conversation features of `@multi-openim/client` (directory, unsend, history, typing, voice). */
export interface ConversationClient {
  selfInfo(): Promise<DirectoryUser>;
  joinedGroups(): Promise<DirectoryGroup[]>;
  groupMembers(groupID: string): Promise<DirectoryUser[]>;
  friends(): Promise<DirectoryUser[]>;
  revokeMessage(conversationID: string, messageId: string): Promise<void>;
  recentMessages(conversationID: string, count: number): Promise<InboundMessage[]>;
  setTyping(conversationID: string, focus: boolean): Promise<void>;
  sendSound(target: Target, source: MediaSource, durationSec?: number): Promise<SendResult>;
}

const METHODS = [
  "selfInfo",
  "joinedGroups",
  "groupMembers",
  "revokeMessage",
  "setTyping",
  "sendSound",
] as const;

/** The client's conversation features, or undefined for a client without them (a test double). */
export function conversationOf(client: AccountClient): (AccountClient & ConversationClient) | undefined {
  const c = client as Partial<ConversationClient>;
  return METHODS.every((m) => typeof c[m] === "function")
    ? (client as AccountClient & ConversationClient)
    : undefined;
}

/** The running account's client with its conversation features, or the seed's errors. */
export function requireConversation(registry: AccountRegistry, accountId: string | null | undefined) {
  const { account, client } = registry.require(accountId);
  const conversation = conversationOf(client);
  if (!conversation)
    throw new MultiOpenimError(
      "NOT_CONNECTED",
      `[multi-openim] account "${account.accountId}" has no conversation features`,
    );
  return { account, client: conversation };
}

/** The OpenIM conversation id of a target, as the account sees it: si_<sorted ids> / sg_<groupID>. */
export function conversationIdFor(selfUserID: string, target: Target): string {
  if (target.kind === "group") return `sg_${target.id}`;
  const [a, b] = [selfUserID, target.id].sort();
  return `si_${a}_${b}`;
}
