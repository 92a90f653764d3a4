import {
  type AccessPolicy,
  listAdmits,
  type ResolvedAccount,
  resolveAccess,
  resolveGroupAccess,
} from "@multi-openim/core";
import type { InboundMessage } from "./types.js";

export type DropReason =
  | "dm-disabled"
  | "dm-not-allowed"
  | "group-policy-disabled"
  | "group-disabled"
  | "group-sender-not-allowed"
  | "no-mention"
  | "empty";

/** The lists OpenClaw's own ingress gate gets, so it agrees with the decision made here. */
export interface IngressPolicy {
  dmPolicy: AccessPolicy["dmPolicy"];
  allowFrom: string[];
  groupPolicy: "open" | "allowlist" | "disabled";
  groupAllowFrom: string[];
}

export type Admission =
  | { kind: "admit"; requireMention: boolean; ingress: IngressPolicy }
  /** An unknown DM sender under pairing: a pairing code goes back, nothing reaches the agent. */
  | { kind: "pair" }
  | { kind: "drop"; reason: DropReason };

/** The account's policy; a hand-built account without one (tests, benches) keeps 0.1.0's rules. */
export function accessOf(account: ResolvedAccount): AccessPolicy {
  return (
    account.access ??
    resolveAccess(
      { dmPolicy: "open", groupPolicy: "open" },
      { requireMention: account.requireMention, inboundWhitelist: account.inboundWhitelist },
    )
  );
}

/** @-mentioned, @all, or a quote of one of the bot's own messages. */
export function addressesBot(message: InboundMessage, selfUserID: string): boolean {
  return message.mentionsSelf || message.mentionsAll || message.quote?.senderID === selfUserID;
}

/**
 * Who reaches the agent, decided once per message. Pure: the normalized message, the account's resolved
 * policy and the pairing store's approved senders in; admit / pair / drop(reason) out.
 */
export function decideAdmission(
  message: InboundMessage,
  access: AccessPolicy,
  storeAllowFrom: readonly string[],
  selfUserID: string,
): Admission {
  const sender = message.sender.userID;
  // OpenClaw's gate admits "open" DMs only with a "*" entry.
  const dmAllowFrom = access.dmPolicy === "open" ? ["*", ...access.allowFrom] : access.allowFrom;
  let ingress: IngressPolicy;
  let requireMention = false;
  if (message.kind === "direct") {
    if (access.dmPolicy === "disabled") return { kind: "drop", reason: "dm-disabled" };
    const listed = listAdmits(access.allowFrom, sender);
    if (access.dmPolicy === "allowlist" && !listed) return { kind: "drop", reason: "dm-not-allowed" };
    if (access.dmPolicy === "pairing" && !listed && !listAdmits(storeAllowFrom, sender))
      return { kind: "pair" };
    ingress = {
      dmPolicy: access.dmPolicy,
      allowFrom: dmAllowFrom,
      groupPolicy: "disabled",
      groupAllowFrom: [],
    };
  } else {
    const group = resolveGroupAccess(access, message.groupID ?? message.target.id);
    if (!group.enabled) {
      const reason = access.groupPolicy === "disabled" ? "group-policy-disabled" : "group-disabled";
      return { kind: "drop", reason };
    }
    if (group.allowFrom && !listAdmits(group.allowFrom, sender))
      return { kind: "drop", reason: "group-sender-not-allowed" };
    requireMention = group.requireMention;
    if (requireMention && !addressesBot(message, selfUserID)) return { kind: "drop", reason: "no-mention" };
    ingress = {
      dmPolicy: access.dmPolicy,
      allowFrom: dmAllowFrom,
      groupPolicy: group.allowFrom ? "allowlist" : "open",
      groupAllowFrom: group.allowFrom ?? [],
    };
  }
  if (!message.text.trim() && message.media.length === 0) return { kind: "drop", reason: "empty" };
  return { kind: "admit", requireMention, ingress };
}
