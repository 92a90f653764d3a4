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
  // Quoting (replying to) the bot's own message addresses it like an @ does.
  if (message.kind === "group" && account.requireMention && !message.mentionsSelf && !message.quotesSelf) {
    return { admit: false, reason: "no-mention" };
  }
  if (!message.text.trim() && message.media.length === 0) return { admit: false, reason: "empty" };
  return { admit: true };
}

export interface BodyOptions {
  /** The bot's own user id (and any display names) whose @-mention is stripped from the text. */
  selfNames?: readonly string[];
  /** Lines describing attachments (downloaded or why not); default: kind and name of each. */
  mediaLines?: readonly string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Removes `@<self>` mentions (the bot addressing itself is noise to the agent); others stay. */
export function stripSelfMentions(text: string, selfNames: readonly string[]): string {
  let out = text;
  for (const name of selfNames.filter(Boolean)) {
    out = out.replace(
      new RegExp(`(^|\\s)@${escapeRegExp(name)}(?=$|[\\s,.:;!?，。：])[,:，：]?`, "gu"),
      "$1",
    );
  }
  return out.replace(/[ \t]{2,}/g, " ").trim();
}

/**
 * What the agent reads: the quoted message (sender and text) first, then the text without the bot's
 * own @name, then one line per attachment. Never empty: OpenClaw answers an empty body itself
 * ("I didn't receive any text") without asking the agent.
 */
export function inboundBody(message: InboundMessage, options: BodyOptions = {}): string {
  const text = stripSelfMentions(message.text, options.selfNames ?? []);
  const quote = message.quote
    ? `[Quoting ${message.quote.senderID ?? "someone"}: "${message.quote.text.trim()}"]`
    : "";
  const media = options.mediaLines ?? message.media.map((m) => `[${m.kind}${m.name ? `: ${m.name}` : ""}]`);
  const body = [quote, text, ...media].filter(Boolean).join("\n");
  if (body) return body;
  return "(mentioned you without any text)";
}
