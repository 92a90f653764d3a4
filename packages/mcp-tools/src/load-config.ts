import {
  CHANNEL_ID,
  type ChannelConfig,
  MultiOpenimError,
  type ResolvedAccount,
  readJson5File,
  resolveAccounts,
  validateChannelConfig,
} from "@multi-openim/core";

export interface LoadedChannel {
  config: ChannelConfig;
  accounts: ResolvedAccount[];
  /** Human lines for stderr: config warnings and skipped accounts. */
  warnings: string[];
}

/**
 * Reads channels.multi-openim from an OpenClaw config with core's validation, and keeps the accounts asked
 * for. An account asked for that cannot run is an error (the operator named it), not a silent skip.
 */
export async function loadChannel(configPath: string, only: string[] = []): Promise<LoadedChannel> {
  const file = await readJson5File<{ channels?: Record<string, unknown> }>(configPath);
  if (file === undefined) {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      `[mcp-tools] no config at ${configPath}: pass --config <path to openclaw.json> or run "npx multi-openim setup".`,
    );
  }
  const { config, warnings, errors } = validateChannelConfig(file.channels?.[CHANNEL_ID]);
  if (!config || errors.length > 0) {
    const lines = errors.map((issue) => `  ${issue.path}: ${issue.message}`).join("\n");
    throw new MultiOpenimError("CONFIG_INVALID", `[mcp-tools] ${configPath} is not usable:\n${lines}`);
  }
  const notes = warnings.map((issue) => `${issue.path}: ${issue.message}`);
  const resolved = resolveAccounts(config);
  for (const id of only) {
    if (!(id in config.accounts)) {
      const known = Object.keys(config.accounts).join(", ");
      throw new MultiOpenimError(
        "ACCOUNT_UNKNOWN",
        `[mcp-tools] --account ${JSON.stringify(id)} is not in channels.${CHANNEL_ID}.accounts (configured: ${known}).`,
      );
    }
    const skipped = resolved.skipped.find((s) => s.accountId === id);
    if (skipped) {
      throw new MultiOpenimError(
        "CONFIG_INVALID",
        `[mcp-tools] --account ${id} cannot run: ${skipped.reason}.`,
      );
    }
  }
  const wanted = (accountId: string) => only.length === 0 || only.includes(accountId);
  for (const skipped of resolved.skipped) {
    if (wanted(skipped.accountId)) notes.push(`account ${skipped.accountId} skipped: ${skipped.reason}`);
  }
  const accounts = resolved.accounts.filter((account) => wanted(account.accountId));
  if (accounts.length === 0) {
    throw new MultiOpenimError(
      "CONFIG_INVALID",
      `[mcp-tools] no runnable account in channels.${CHANNEL_ID} of ${configPath}: enable one with token, wsAddr and apiAddr.`,
    );
  }
  return { config, accounts, warnings: notes };
}
