import type { ChatMessage } from "./harness.ts";

const INTERNAL = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT";

/**
 * The demo's model: no API key, no network, it repeats what the user wrote. OpenClaw wraps the
 * user's text (`[time] Conversation info: {…}` before it, `Runtime: …` after it) and appends a user
 * message of internal context: read the newest real one and keep only the user's words.
 */
export function echoAnswer(textOf: (m: ChatMessage) => string) {
  return (messages: ChatMessage[]) => {
    for (const message of [...messages].reverse()) {
      if (message.role !== "user") continue;
      const text = textOf(message);
      if (text.includes(INTERNAL)) continue;
      const words = text
        .split(/\n\s*\n/)
        .filter((part) => !/Conversation info|^\s*Runtime:|^\s*\[[^\]]*\]\s*$/.test(part))
        .join(" ")
        .replace(/^\s*\[[^\]]*\]\s*/, "")
        .trim();
      return { text: `echo: ${words}` };
    }
    return { text: "echo: (nothing)" };
  };
}
