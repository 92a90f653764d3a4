import type { DmPolicy, GroupConfig, GroupPolicy, ToolPolicy } from "./access-schema.js";
import type { AccountConfig, ChannelConfig } from "./schema.js";

/** Who may reach the agent through one account, resolved from the channel defaults and the account's own fields. */
export interface AccessPolicy {
  dmPolicy: DmPolicy;
  /** Config entries only; senders approved through pairing live in OpenClaw's pairing store. */
  allowFrom: string[];
  groupPolicy: GroupPolicy;
  groupAllowFrom: string[];
  /** The account's own requireMention (0.1.0's account-wide group default), when written. */
  requireMention?: boolean;
  /** Per-group entries, account's before channel's, each with its "*" default. */
  groups: { account: Record<string, GroupConfig>; channel: Record<string, GroupConfig> };
  /** May a turn that came in on this account make the send tools use another account? */
  crossAccountTools: boolean;
}

/** One group's effective settings. */
export interface GroupAccess {
  enabled: boolean;
  requireMention: boolean;
  /** Senders allowed in this group, when restricted (per-group allowFrom, or groupAllowFrom under allowlist). */
  allowFrom?: string[];
  tools?: ToolPolicy;
}

type AccessInput = Partial<Pick<AccountConfig, "requireMention" | "inboundWhitelist">> &
  Partial<
    Pick<AccountConfig, "dmPolicy" | "allowFrom" | "groupPolicy" | "groupAllowFrom" | "groups" | "tools">
  >;
type ChannelAccessInput = Partial<
  Pick<ChannelConfig, "dmPolicy" | "allowFrom" | "groupPolicy" | "groupAllowFrom" | "groups" | "tools">
>;

const union = (...lists: (readonly string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))];

/**
 * Account field > the seed's `inboundWhitelist` (non-empty: allowlist, as in 0.1.0) > channel default >
 * OpenClaw's defaults (DMs: pairing; groups: open). Whitelisted userIDs join allowFrom and groupAllowFrom.
 */
export function resolveAccess(channel: ChannelAccessInput | undefined, account: AccessInput): AccessPolicy {
  const whitelist = account.inboundWhitelist ?? [];
  const seedAllowlist = whitelist.length > 0 ? ("allowlist" as const) : undefined;
  const allowFrom = union(account.allowFrom ?? channel?.allowFrom, whitelist);
  const groupAllowFrom = union(account.groupAllowFrom ?? channel?.groupAllowFrom ?? allowFrom, whitelist);
  return {
    dmPolicy: account.dmPolicy ?? seedAllowlist ?? channel?.dmPolicy ?? "pairing",
    allowFrom,
    groupPolicy: account.groupPolicy ?? seedAllowlist ?? channel?.groupPolicy ?? "open",
    groupAllowFrom,
    ...(account.requireMention !== undefined ? { requireMention: account.requireMention } : {}),
    groups: { account: account.groups ?? {}, channel: channel?.groups ?? {} },
    crossAccountTools: account.tools?.crossAccount ?? channel?.tools?.crossAccount ?? false,
  };
}

/** The entry for `groupID`: exact key first, then ignoring case (OpenClaw lower-cases session keys). */
function entryOf(groups: Record<string, GroupConfig>, groupID: string): GroupConfig | undefined {
  if (Object.hasOwn(groups, groupID)) return groups[groupID];
  const lower = groupID.toLowerCase();
  const key = Object.keys(groups).find((k) => k !== "*" && k.toLowerCase() === lower);
  return key === undefined ? undefined : groups[key];
}

/**
 * Per field, the first that sets it: account groups.<id>, channel groups.<id>, account groups."*",
 * the account's requireMention (mention only), channel groups."*". Then the group policy applies.
 */
export function resolveGroupAccess(access: AccessPolicy, groupID: string): GroupAccess {
  const { account, channel } = access.groups;
  const layers = [
    entryOf(account, groupID),
    entryOf(channel, groupID),
    account["*"],
    access.requireMention !== undefined ? { requireMention: access.requireMention } : undefined,
    channel["*"],
  ].filter((l): l is GroupConfig => l !== undefined);
  const pick = <K extends keyof GroupConfig>(key: K): GroupConfig[K] =>
    layers.find((l) => l[key] !== undefined)?.[key];
  const perGroup = pick("allowFrom");
  const allowFrom = perGroup ?? (access.groupPolicy === "allowlist" ? access.groupAllowFrom : undefined);
  const tools = pick("tools");
  return {
    enabled: access.groupPolicy !== "disabled" && pick("enabled") !== false,
    requireMention: pick("requireMention") ?? true,
    ...(allowFrom ? { allowFrom } : {}),
    ...(tools ? { tools } : {}),
  };
}

/** True when `list` admits `userID` ("*" admits everyone). */
export function listAdmits(list: readonly string[] | undefined, userID: string): boolean {
  return !!list && (list.includes("*") || list.includes(userID));
}
