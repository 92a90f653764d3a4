import type { ChannelConfig, ResolvedAccount } from "@multi-openim/core";
import type { ChannelConfigReader } from "./config.js";

/** What OpenClaw's `resolveAccount` returns for this channel: usable, or why not. */
export interface PluginAccount {
  accountId: string;
  enabled: boolean;
  configured: boolean;
  /** Why the account cannot run (disabled, missing token, bad address …), from core. */
  reason?: string;
  resolved?: ResolvedAccount;
  channel?: ChannelConfig;
}

/** `config.listAccountIds` / `resolveAccount` / … over core's validation. No default account anywhere. */
export function createConfigAdapter(reader: ChannelConfigReader) {
  const resolveAccount = (cfg: unknown, accountId?: string | null): PluginAccount => {
    const id = String(accountId ?? "").trim();
    const state = reader.read(cfg);
    const channel = state.config ?? undefined;
    const resolved = state.accounts.get(id);
    const channelEnabled = channel?.enabled !== false;
    if (resolved)
      return {
        accountId: id,
        enabled: channelEnabled,
        configured: true,
        resolved,
        ...(channel ? { channel } : {}),
      };
    const skipped = state.skipped.find((s) => s.accountId === id);
    const explicitlyDisabled = channel?.accounts[id]?.enabled === false;
    return {
      accountId: id,
      enabled: channelEnabled && !explicitlyDisabled,
      configured: false,
      reason: !id
        ? "accountId is required (no default fallback)"
        : (skipped?.reason ?? `not configured: add channels.multi-openim.accounts.${id}`),
      ...(channel ? { channel } : {}),
    };
  };

  return {
    listAccountIds: (cfg: unknown) => reader.read(cfg).listed,
    resolveAccount,
    // OpenClaw falls back to listAccountIds()[0] without this; "" keeps sends without --account refused.
    defaultAccountId: () => "",
    isEnabled: (account: PluginAccount) => account.enabled,
    isConfigured: (account: PluginAccount) => account.configured,
    disabledReason: (account: PluginAccount) => account.reason ?? "disabled (enabled: false)",
    unconfiguredReason: (account: PluginAccount) => account.reason ?? "not configured",
    describeAccount: (account: PluginAccount) => ({
      accountId: account.accountId,
      enabled: account.enabled,
      configured: account.configured,
      ...(account.reason ? { lastError: account.reason } : {}),
    }),
  };
}
