import type { InboundMessage } from "./types.js";

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
