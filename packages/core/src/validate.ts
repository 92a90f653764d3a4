import type { z } from "zod";
import { CONFIG_DOC } from "./access-schema.js";
import { accessWarnings } from "./access-warnings.js";
import { accountIdProblem } from "./account-id.js";
import { CHANNEL_ID, LEGACY_CHANNEL_FIELDS } from "./constants.js";
import { type AccountConfig, accountConfigSchema, type ChannelConfig, channelShellSchema } from "./schema.js";

export interface ConfigIssue {
  /** Full path in openclaw.json, e.g. "channels.multi-openim.accounts.primary.wsAddr". */
  path: string;
  message: string;
}

export interface ValidationResult {
  /** Null when the block as a whole is unusable; errors confined to one account drop only that account. */
  config: ChannelConfig | null;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
}

const ROOT = `channels.${CHANNEL_ID}`;

function pathOf(prefix: string, path: PropertyKey[]): string {
  return [prefix, ...path.map(String)].join(".");
}

function issuesOf(error: z.ZodError, prefix: string): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = pathOf(prefix, issue.path);
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.join(", ");
      return {
        path,
        message: `unknown key(s) ${keys}: remove them or check the spelling against ${CONFIG_DOC}`,
      };
    }
    return { path, message: issue.message };
  });
}

/** Checks a `channels.multi-openim` block. Pure: no logging, no I/O; callers decide what to print. */
export function validateChannelConfig(input: unknown): ValidationResult {
  const warnings: ConfigIssue[] = [];
  const errors: ConfigIssue[] = [];
  if (input === undefined || input === null) {
    errors.push({
      path: ROOT,
      message: `missing: add a "${CHANNEL_ID}" block with at least one entry under accounts`,
    });
    return { config: null, warnings, errors };
  }
  const shell = channelShellSchema.safeParse(input);
  if (!shell.success) {
    const issues = issuesOf(shell.error, ROOT);
    for (const issue of issues) {
      if (issue.path === `${ROOT}.accounts` && issue.message.toLowerCase().includes("undefined")) {
        issue.message = 'required: add accounts.<id> entries (e.g. "primary"); there is no default account';
      }
    }
    return { config: null, warnings, errors: issues };
  }
  const raw = input as Record<string, unknown>;
  for (const field of LEGACY_CHANNEL_FIELDS) {
    if (raw[field] !== undefined) {
      warnings.push({
        path: `${ROOT}.${field}`,
        message: `ignored: the single-account fallback is removed; move "${field}" under accounts.<id>.${field}`,
      });
    }
  }

  const accounts: Record<string, AccountConfig> = {};
  const seenIds = new Map<string, string>();
  for (const [accountId, value] of Object.entries(shell.data.accounts)) {
    const accountPath = `${ROOT}.accounts.${accountId}`;
    const twin = seenIds.get(accountId.toLowerCase());
    seenIds.set(accountId.toLowerCase(), accountId);
    // OpenClaw lower-cases account ids in session keys and the pairing store: two such ids would share both.
    const problem = twin
      ? `differs from account "${twin}" only in letter case (OpenClaw would mix their sessions and pairings)`
      : accountIdProblem(accountId);
    if (problem) {
      errors.push({
        path: `${ROOT}.accounts`,
        message: `account id ${JSON.stringify(accountId.slice(0, 80))} ${problem}: rename it to a short stable name like "primary"`,
      });
      continue;
    }
    if (accountId === "default") {
      warnings.push({
        path: accountPath,
        message:
          'an account named "default" is not a fallback (there is none); pick a descriptive name like "primary"',
      });
    }
    const parsed = accountConfigSchema.safeParse(value);
    if (!parsed.success) {
      errors.push(...issuesOf(parsed.error, accountPath));
      continue;
    }
    accounts[accountId] = parsed.data;
    warnings.push(...accessWarnings(accountPath, parsed.data, shell.data));
  }
  if (Object.keys(shell.data.accounts).length === 0) {
    errors.push({
      path: `${ROOT}.accounts`,
      message: "empty: add at least one named account, e.g. accounts.primary",
    });
  }

  const { token: _t, wsAddr: _w, apiAddr: _a, userID: _u, platformID: _p, ...channel } = shell.data;
  const config: ChannelConfig = { ...channel, accounts };
  const refresh = config.tokenRefresh;
  if (refresh.mode === "http") {
    const missing = [
      refresh.http?.endpoint ? null : "endpoint",
      refresh.http?.responseTokenPath ? null : "responseTokenPath",
    ].filter((f): f is string => f !== null);
    if (missing.length > 0) {
      warnings.push({
        path: `${ROOT}.tokenRefresh.http`,
        message: `mode "http" needs ${missing.join(" and ")}; token refresh is off until you set ${missing.length > 1 ? "them" : "it"}`,
      });
      config.tokenRefresh = { ...refresh, mode: "off" };
    }
  }
  return { config, warnings, errors };
}
