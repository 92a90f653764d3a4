import { CHANNEL_ID, CONFIG_DOC } from "@multi-openim/core";
import { accessFor } from "./access-lookup.js";
import type { PluginAccount } from "./accounts.js";
import type { ChannelConfigReader } from "./config.js";

export interface SecurityContext {
  cfg: unknown;
  accountId?: string | null;
  account: PluginAccount;
}

export interface AuditFinding {
  checkId: string;
  severity: "info" | "warn" | "critical";
  title: string;
  detail: string;
  remediation?: string;
}

/** `security` adapter: OpenClaw's view of each account's DM policy, and what `openclaw security audit` flags. */
export function createSecurityAdapter(reader: ChannelConfigReader) {
  const lookup = (ctx: SecurityContext) =>
    accessFor(reader, ctx.cfg, ctx.accountId ?? ctx.account?.accountId);
  return {
    resolveDmPolicy: (ctx: SecurityContext) => {
      const found = lookup(ctx);
      if (!found) return null;
      const base = `channels.${CHANNEL_ID}.accounts.${found.accountId}.`;
      return {
        policy: found.access.dmPolicy,
        allowFrom: found.access.allowFrom,
        policyPath: `${base}dmPolicy`,
        allowFromPath: `${base}allowFrom`,
        approveHint: `Approve via: openclaw pairing approve ${CHANNEL_ID} <code>`,
        normalizeEntry: normalizeAllowEntry,
      };
    },
    collectAuditFindings: (ctx: SecurityContext): AuditFinding[] => {
      const found = lookup(ctx);
      if (!found) return [];
      const { accountId, access } = found;
      const path = `channels.${CHANNEL_ID}.accounts.${accountId}`;
      const findings: AuditFinding[] = [];
      if (access.dmPolicy === "open" || (access.dmPolicy === "allowlist" && access.allowFrom.includes("*"))) {
        findings.push({
          checkId: `channels.${CHANNEL_ID}.dm.open`,
          severity: "critical",
          title: `Multi-OpenIM account "${accountId}" is open to everyone`,
          detail: `Any user of that OpenIM server can DM the agent (and reach its tools) through ${path}.`,
          remediation: `Set ${path}.dmPolicy to "pairing" (strangers get a code you approve) or "allowlist" with allowFrom; see ${CONFIG_DOC}.`,
        });
      }
      const wildcard = [
        access.allowFrom.includes("*") ? "allowFrom" : "",
        access.groupAllowFrom.includes("*") ? "groupAllowFrom" : "",
        ...[...Object.entries(access.groups.account), ...Object.entries(access.groups.channel)]
          .filter(([, g]) => g.allowFrom?.includes("*"))
          .map(([id]) => `groups.${id}.allowFrom`),
      ].filter(Boolean);
      if (wildcard.length > 0) {
        findings.push({
          checkId: `channels.${CHANNEL_ID}.allowFrom.wildcard`,
          severity: "warn",
          title: `Multi-OpenIM account "${accountId}" allows "*"`,
          detail: `"*" in ${wildcard.join(", ")} admits every sender there.`,
          remediation: "List the OpenIM userIDs that may talk to the agent instead of *.",
        });
      }
      if (access.crossAccountTools) {
        findings.push({
          checkId: `channels.${CHANNEL_ID}.tools.cross_account`,
          severity: "warn",
          title: `Multi-OpenIM account "${accountId}" lets its turns send as other accounts`,
          detail: `tools.crossAccount is true: a message on "${accountId}" can make the agent send from any configured account.`,
          remediation: `Remove tools.crossAccount (default false) unless every sender on "${accountId}" is trusted.`,
        });
      }
      return findings;
    },
  };
}

/** `user:ID`, `multi-openim:ID` and `multi-openim:user:ID` all mean the OpenIM userID. */
export function normalizeAllowEntry(entry: string): string {
  return entry
    .trim()
    .replace(new RegExp(`^${CHANNEL_ID}:`, "i"), "")
    .replace(/^user:/i, "")
    .trim();
}

/** `pairing` adapter: what the pairing CLI shows and stores (approval replies cannot go out from the CLI process). */
export const pairingAdapter = {
  idLabel: "openimUserId",
  normalizeAllowEntry,
};
