import { parseGroupPeerId, resolveGroupAccess } from "@multi-openim/core";
import { accessFor } from "./access-lookup.js";
import type { ChannelConfigReader } from "./config.js";

export interface GroupContext {
  cfg: unknown;
  groupId?: string | null;
  accountId?: string | null;
}

/**
 * `groups` adapter. OpenClaw passes the group as our peer id (`<groupID>:<accountId>`, read back from
 * the session key, lower-cased) or as a bare groupID with the accountId beside it.
 */
export function createGroupsAdapter(reader: ChannelConfigReader) {
  const groupOf = (ctx: GroupContext) => {
    const raw = ctx.groupId?.trim();
    if (!raw) return undefined;
    const peer = parseGroupPeerId(raw);
    const fromPeer = peer && (!ctx.accountId || peer.accountId.toLowerCase() === ctx.accountId.toLowerCase());
    const accountId = fromPeer ? peer.accountId : ctx.accountId;
    const found = accessFor(reader, ctx.cfg, accountId);
    return found ? resolveGroupAccess(found.access, fromPeer ? peer.groupID : raw) : undefined;
  };
  return {
    resolveRequireMention: (ctx: GroupContext) => groupOf(ctx)?.requireMention,
    resolveToolPolicy: (ctx: GroupContext) => groupOf(ctx)?.tools,
  };
}
