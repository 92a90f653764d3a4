import { resolveAccess } from "./access.js";
import type { AccountConfig, ChannelConfig } from "./schema.js";

interface Issue {
  path: string;
  message: string;
}

type ChannelAccess = Parameters<typeof resolveAccess>[0];

/** Settings that are valid but almost certainly not what the operator meant (nobody, or everybody, gets in). */
export function accessWarnings(
  accountPath: string,
  account: AccountConfig,
  channel: ChannelAccess | Partial<ChannelConfig>,
): Issue[] {
  const access = resolveAccess(channel, account);
  const warnings: Issue[] = [];
  if (access.dmPolicy === "allowlist" && access.allowFrom.length === 0) {
    warnings.push({
      path: `${accountPath}.allowFrom`,
      message:
        'dmPolicy "allowlist" with an empty allowFrom: nobody can DM this account; add userIDs, or use dmPolicy "pairing"',
    });
  }
  if (access.groupPolicy === "allowlist" && access.groupAllowFrom.length === 0) {
    warnings.push({
      path: `${accountPath}.groupAllowFrom`,
      message:
        'groupPolicy "allowlist" with no groupAllowFrom (or allowFrom): nobody reaches the agent in groups; add userIDs',
    });
  }
  if (account.dmPolicy && account.inboundWhitelist.length > 0 && account.dmPolicy !== "allowlist") {
    warnings.push({
      path: `${accountPath}.inboundWhitelist`,
      message: `dmPolicy "${account.dmPolicy}" decides DMs; inboundWhitelist only adds its userIDs to allowFrom. Move them to allowFrom`,
    });
  }
  return warnings;
}
