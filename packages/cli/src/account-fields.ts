import { accountIdProblem, isMultiOpenimError } from "@multi-openim/core";
import { inspectToken } from "./token-info.js";

/** One account as the user gives it; only what was given is written. */
export interface AccountFields {
  enabled?: boolean;
  token?: string;
  wsAddr?: string;
  apiAddr?: string;
  userID?: string;
  platformID?: number;
  requireMention?: boolean;
  inboundWhitelist?: string[];
  disableFriendSdk?: boolean;
  /** Who may DM the bot (OpenClaw's names); setup writes the operator's choice explicitly. */
  dmPolicy?: DmPolicy;
  allowFrom?: string[];
}

export const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];

/** The flag that sets each required field, for "missing: --ws <url>" messages. */
export const REQUIRED_FLAGS = {
  accountId: "--account <id>",
  wsAddr: "--ws <url>",
  apiAddr: "--api <url>",
  token: "--token <jwt> (or --token-file <file|->)",
} as const;

function urlProblem(value: string, protocols: string[], example: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL: use e.g. ${example}`;
  }
  if (!protocols.includes(url.protocol)) {
    return `must start with ${protocols.map((p) => `${p}//`).join(" or ")}, e.g. ${example}`;
  }
  return null;
}

/** Each check returns why a value is unusable, or null; the wizard and the flags share them. */
export const fieldProblems = {
  accountId: (v: string) => {
    const problem = accountIdProblem(v);
    return problem ? `${problem}: use a short stable name like "primary" or "team-b"` : null;
  },
  wsAddr: (v: string) => urlProblem(v, ["ws:", "wss:"], "ws://im.example.com:10001"),
  apiAddr: (v: string) => urlProblem(v, ["http:", "https:"], "http://im.example.com:10002"),
  token: (v: string) => {
    try {
      inspectToken(v);
      return null;
    } catch (error) {
      return isMultiOpenimError(error) ? error.message : "is not a valid JWT";
    }
  },
  userID: (v: string) => (v.trim() === "" ? "is empty" : null),
  platformID: (v: number) => (Number.isInteger(v) && v >= 1 ? null : "must be a whole number ≥ 1, e.g. 5"),
};

/** The block written to channels.multi-openim.accounts.<id>, keys in the order SCHEMA.md lists them. */
export function accountBlock(fields: AccountFields): Record<string, unknown> {
  const block: Record<string, unknown> = {
    enabled: fields.enabled ?? true,
    token: fields.token,
    wsAddr: fields.wsAddr,
    apiAddr: fields.apiAddr,
  };
  if (fields.userID !== undefined) block.userID = fields.userID;
  if (fields.platformID !== undefined) block.platformID = fields.platformID;
  if (fields.requireMention !== undefined) block.requireMention = fields.requireMention;
  if (fields.inboundWhitelist !== undefined) block.inboundWhitelist = fields.inboundWhitelist;
  if (fields.disableFriendSdk !== undefined) block.disableFriendSdk = fields.disableFriendSdk;
  if (fields.dmPolicy !== undefined) block.dmPolicy = fields.dmPolicy;
  if (fields.allowFrom !== undefined) block.allowFrom = fields.allowFrom;
  return block;
}
