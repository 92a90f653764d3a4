import type { ResolvedAccount } from "@multi-openim/core";
import type { InboundMessage } from "./types.js";

export type AdmitDecision = { admit: true } | { admit: false; reason: "whitelist" | "no-mention" | "empty" };

/**
 * The seed's inbound rules, applied before OpenClaw sees the message: a non-empty `inboundWhitelist`
 * admits only those senders (DMs and groups alike); in groups `requireMention` (default true) admits
 * only messages that @-mention this account (or @all).
 */
export function admitInbound(
  message: InboundMessage,
  account: Pick<ResolvedAccount, "requireMention" | "inboundWhitelist">,
): AdmitDecision {
  const whitelist = account.inboundWhitelist;
  if (whitelist.length > 0 && !whitelist.includes(message.sender.userID))
    return { admit: false, reason: "whitelist" };
  if (message.kind === "group" && account.requireMention && !message.mentionsSelf) {
    return { admit: false, reason: "no-mention" };
  }
  if (!message.text.trim() && message.media.length === 0) return { admit: false, reason: "empty" };
  return { admit: true };
}

/** What the agent reads: the text, or a short description for media-only messages (OpenClaw ignores empty bodies). */
export function inboundBody(message: InboundMessage): string {
  const text = message.text.trim();
  const media = message.media.map((m) => `[${m.kind}${m.name ? `: ${m.name}` : ""}] ${m.url}`);
  return [text, ...media].filter(Boolean).join("\n");
}
