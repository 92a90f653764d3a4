import { createHash } from "node:crypto";
import type { Target } from "@multi-openim/core";
import type { AccountClient } from "./account-client.js";
import { RECENT_MAX } from "./conversation-actions.js";
import type { InboundMessage } from "./types.js";
import { conversationIdFor } from "./unknown-outcome.js";

/**
 * The clientMsgID a send made under this idempotency key always gets (32 hex digits, the shape of the
 * SDK's own ids): pass it as `TextOptions.clientMsgID`, and the same logical send keeps one id across
 * attempts and process restarts, so the server can be asked whether it has it.
 */
export function sendKeyClientMsgID(key: string): string {
  return createHash("md5").update(`multi-openim/send-key:${key}`).digest("hex");
}

export interface SentLookup {
  /** The wanted messages the server has, by clientMsgID. */
  found: Map<string, InboundMessage>;
  /**
   * True when the history read reaches back before `since`: a wanted id not found was not stored.
   * False when newer messages filled the page, or history came back empty (a session that has not
   * synced yet answers that way), and absence proves nothing.
   */
  complete: boolean;
  /** Messages in the last page read: 0 means "ask again later", not "the conversation is empty". */
  seen: number;
}

/** Clocks differ a little between us and the server (sendTime is the server's). */
const CLOCK_SLACK_MS = 60_000;

/**
 * Which of `clientMsgIDs` the server stored in the account's conversation with `to`, from one page of
 * its newest messages (`recentMessages`, at most 100). `since` is when the sends were first attempted
 * (ms epoch): absence counts only if the page reaches back before it, or holds the whole DM.
 *
 * Right after a login (or right after one of its own sends) the SDK's history can lag the server: it
 * answers empty, or without the newest message, for a moment. So when nothing is found the page is
 * read again after `settleMs` (default 1500), and an empty page never proves absence.
 */
export async function findSentMessages(
  client: Pick<AccountClient, "recentMessages">,
  input: {
    selfUserID: string;
    to: Target;
    clientMsgIDs: readonly string[];
    since: number;
    settleMs?: number;
  },
): Promise<SentLookup> {
  const conversationID = conversationIdFor(input.selfUserID, input.to);
  const wanted = new Set(input.clientMsgIDs);
  const found = new Map<string, InboundMessage>();
  const read = async () => {
    const page = await client.recentMessages(conversationID, RECENT_MAX);
    for (const message of page) if (wanted.has(message.clientMsgID)) found.set(message.clientMsgID, message);
    return page;
  };
  let page = await read();
  if (found.size === 0) {
    await new Promise((resolve) => setTimeout(resolve, input.settleMs ?? 1500));
    page = await read();
  }
  const oldest = page[0];
  // A DM holds no notifications (they have conversations of their own), so a short page is all of it;
  // a group's page may have lost notifications to the filter, so only its time span counts.
  const wholeDm = input.to.kind === "user" && page.length < RECENT_MAX;
  const reachesBack = oldest !== undefined && oldest.serverTime < input.since - CLOCK_SLACK_MS;
  return { found, complete: page.length > 0 && (wholeDm || reachesBack), seen: page.length };
}
