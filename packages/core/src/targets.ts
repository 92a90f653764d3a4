import { CHANNEL_ID } from "./constants.js";

export type TargetKind = "user" | "group";
export interface Target {
  kind: TargetKind;
  id: string;
}

/** Parses "user:ID" or "group:ID" (kind case-insensitive, id trimmed); anything else is null. */
export function parseTarget(input: unknown): Target | null {
  if (typeof input !== "string") return null;
  const match = /^\s*(user|group):(.+)$/i.exec(input);
  if (!match) return null;
  const id = match[2]!.trim();
  if (!id || /\s/.test(id)) return null;
  return { kind: match[1]!.toLowerCase() as TargetKind, id };
}

export function formatTarget(target: Target): string {
  return `${target.kind}:${target.id}`;
}

const ORDINARY_ID = /^[A-Za-z0-9._@-]+$/;
/** Words OpenClaw reads as a conversation kind or a thread suffix when they stand between two colons. */
const RESERVED_SEGMENTS = new Set([
  "group",
  "channel",
  "direct",
  "dm",
  "thread",
  "topic",
  "sender",
  "agent",
  "subagent",
]);

/**
 * One segment of a session key. Ordinary ids stay as they are (so 0.1.0's keys are kept); anything else
 * is percent-encoded (":" and "%" included, and the first letter of a reserved word), so no id can
 * forge another segment: a DM key never equals a group's or another account's.
 */
export function sessionKeySegment(id: string): string {
  if (ORDINARY_ID.test(id) && !RESERVED_SEGMENTS.has(id.toLowerCase())) return id;
  if (ORDINARY_ID.test(id)) return `%${id.charCodeAt(0).toString(16)}${id.slice(1)}`;
  return [...id]
    .map((ch) =>
      /^[A-Za-z0-9._@-]$/.test(ch)
        ? ch
        : [...Buffer.from(ch, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
    )
    .join("");
}

/** The direct-chat session key users rely on: `multi-openim:<sendID>:<accountId>`, lower-cased as in 0.1.0. */
export function sessionKey(sendID: string, accountId: string): string {
  return `${CHANNEL_ID}:${sessionKeySegment(sendID)}:${sessionKeySegment(accountId)}`.toLowerCase();
}

/** A group's peer id: the group and the account (the same group id on two servers is two conversations). */
export function groupPeerId(groupID: string, accountId: string): string {
  return `${sessionKeySegment(groupID)}:${sessionKeySegment(accountId)}`;
}

/** `multi-openim:group:<groupID>:<accountId>`, lower-cased; never equal to a DM key (see sessionKeySegment). */
export function groupSessionKey(groupID: string, accountId: string): string {
  return `${CHANNEL_ID}:group:${groupPeerId(groupID, accountId)}`.toLowerCase();
}

/** Reads a group peer id back (as OpenClaw hands it to the group adapters, maybe lower-cased). */
export function parseGroupPeerId(peerId: string): { groupID: string; accountId: string } | null {
  const cut = peerId.lastIndexOf(":");
  if (cut <= 0 || cut === peerId.length - 1) return null;
  try {
    return {
      groupID: decodeURIComponent(peerId.slice(0, cut)),
      accountId: decodeURIComponent(peerId.slice(cut + 1)),
    };
  } catch {
    return null;
  }
}
