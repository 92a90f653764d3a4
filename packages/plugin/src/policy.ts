import type { InboundMessage } from "./types.js";

export interface BodyOptions {
  /** The bot's own user id (and any display names) whose @-mention is stripped from the text. */
  selfNames?: readonly string[];
  /** Lines describing attachments (downloaded or why not); default: kind and name of each. */
  mediaLines?: readonly string[];
  /** The text with the self-mentions already stripped (`stripSelfMentions`), when the caller has it. */
  strippedText?: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One mention pattern per name, built once (a name is an account's user id or its nickname). */
const mentionPatterns = new Map<string, RegExp>();

function mentionPattern(name: string): RegExp {
  let pattern = mentionPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`(^|\\s)@${escapeRegExp(name)}(?=$|[\\s,.:;!?，。：])[,:，：]?`, "gu");
    // Bounded: names come from accounts and the nicknames senders' clients show for them.
    if (mentionPatterns.size >= 256) mentionPatterns.clear();
    mentionPatterns.set(name, pattern);
  }
  return pattern;
}

/** Removes `@<self>` mentions (the bot addressing itself is noise to the agent); others stay. */
export function stripSelfMentions(text: string, selfNames: readonly string[]): string {
  let out = text;
  if (out.includes("@")) {
    for (const name of selfNames) if (name) out = out.replace(mentionPattern(name), "$1");
  }
  return out.replace(/[ \t]{2,}/g, " ").trim();
}

/**
 * What the agent reads: the quoted message (sender and text) first, then the text without the bot's
 * own @name, then one line per attachment. Never empty: OpenClaw answers an empty body itself
 * ("I didn't receive any text") without asking the agent.
 */
export function inboundBody(message: InboundMessage, options: BodyOptions = {}): string {
  const text = options.strippedText ?? stripSelfMentions(message.text, options.selfNames ?? []);
  const quote = message.quote
    ? `[Quoting ${message.quote.senderID ?? "someone"}: "${message.quote.text.trim()}"]`
    : "";
  const media = options.mediaLines ?? message.media.map((m) => `[${m.kind}${m.name ? `: ${m.name}` : ""}]`);
  const body = [quote, text, ...media].filter(Boolean).join("\n");
  if (body) return body;
  return "(mentioned you without any text)";
}
