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

/** The direct-chat session key users rely on: one session per peer per account. */
export function sessionKey(sendID: string, accountId: string): string {
  return `${CHANNEL_ID}:${sendID}:${accountId}`.toLowerCase();
}
