import {
  accountIdProblem,
  CHANNEL_ID,
  type ChannelConfig,
  type ConfigIssue,
  type ResolvedAccount,
  resolveAccounts,
  type SkippedAccount,
  validateChannelConfig,
} from "@multi-openim/core";
import { channelBlockOf } from "./config-block.js";
import type { Logger } from "./types.js";

export { channelBlockOf };

const CHANNEL_ID_ROOT = `channels.${CHANNEL_ID}`;

export interface ChannelState {
  config: ChannelConfig | null;
  accounts: Map<string, ResolvedAccount>;
  skipped: SkippedAccount[];
  /** Account ids written in the config (enabled or not, valid or not): what OpenClaw lists. */
  listed: string[];
}

/**
 * Reads and validates the channel block with core. OpenClaw calls `listAccountIds` / `resolveAccount`
 * many times per config, so each distinct problem is logged once per reader, not on every call.
 */
export class ChannelConfigReader {
  private readonly reported = new Set<string>();

  constructor(private readonly log: () => Logger | undefined) {}

  read(cfg: unknown): ChannelState {
    const block = channelBlockOf(cfg);
    const listed = Object.keys((block as { accounts?: Record<string, unknown> } | undefined)?.accounts ?? {});
    if (block === undefined) return { config: null, accounts: new Map(), skipped: [], listed: [] };
    const { config, warnings, errors } = validateChannelConfig(block);
    for (const issue of warnings) this.once("warn", `${issue.path}: ${issue.message}`);
    for (const issue of errors) this.once("error", `${issue.path}: ${issue.message}`);
    if (!config) return { config: null, accounts: new Map(), skipped: [], listed };
    const { accounts, skipped } = resolveAccounts(config);
    for (const skip of skipped) {
      // A disabled account is a choice, not a problem.
      const level = skip.reason.startsWith("disabled") ? "info" : "warn";
      this.once(level, `account "${skip.accountId}" skipped: ${skip.reason}`);
    }
    // Accounts core's validation dropped (a path-traversal id, a bad field) carry core's own reason,
    // already logged above as an error: status and startAccount name it instead of "not configured".
    for (const id of listed) {
      if (config.accounts[id] || skipped.some((s) => s.accountId === id)) continue;
      const reason = rejectedReason(id, errors);
      if (reason) skipped.push({ accountId: id, reason });
    }
    return { config, accounts: new Map(accounts.map((a) => [a.accountId, a])), skipped, listed };
  }

  private once(level: "info" | "warn" | "error", message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.log()?.[level](`[multi-openim] config ${message}`);
  }
}

/** Core's reason for dropping account `id`: its id problem, or the errors under its path. */
function rejectedReason(id: string, errors: ConfigIssue[]): string | undefined {
  const problem = accountIdProblem(id);
  if (problem) {
    const shown = JSON.stringify(id.slice(0, 80));
    const issue = errors.find((e) => e.message.startsWith(`account id ${shown} `));
    return `invalid account id: ${issue?.message ?? `${shown} ${problem}`}`;
  }
  const prefix = `${CHANNEL_ID_ROOT}.accounts.${id}`;
  const own = errors.filter((e) => e.path === prefix || e.path.startsWith(`${prefix}.`));
  return own.length > 0
    ? `invalid config: ${own.map((e) => `${e.path}: ${e.message}`).join("; ")}`
    : undefined;
}
