import {
  CHANNEL_ID,
  type ConfigIssue,
  MultiOpenimError,
  type ResolvedAccount,
  redactTokensInText,
  resolveAccounts,
  validateChannelConfig,
} from "@multi-openim/core";
import { configPathFrom, type LoadedConfig, loadConfig } from "./config-file.js";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes.js";
import { type CliIo, writeLine } from "./io.js";
import { maskSecrets } from "./preview.js";
import { channelSecrets, channelValues } from "./secret-values.js";

export interface ValidateFlags {
  config?: string;
  json?: boolean;
}

export interface ConfigReport {
  config: LoadedConfig;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  result: ReturnType<typeof validateChannelConfig>;
  accounts: ResolvedAccount[];
}

/** Loads the file and runs core's validation; skipped accounts become warnings at their own path. */
export async function checkConfigFile(flag: string | undefined, io: CliIo): Promise<ConfigReport> {
  const config = await loadConfig(configPathFrom(flag, io.env));
  if (!config.exists) {
    throw new MultiOpenimError(
      "FILE_READ",
      `[multi-openim] no config at ${config.path}: run "multi-openim setup" first, or pass --config <path>`,
    );
  }
  const result = validateChannelConfig(config.channel);
  const warnings = [...result.warnings];
  const resolved = result.config ? resolveAccounts(result.config) : { accounts: [], skipped: [] };
  for (const skipped of resolved.skipped) {
    warnings.push({
      path: `channels.${CHANNEL_ID}.accounts.${skipped.accountId}`,
      message: `skipped: ${skipped.reason}`,
    });
  }
  const mask = issueMasker(config.channel);
  return {
    config,
    errors: result.errors.map(mask),
    warnings: warnings.map(mask),
    result,
    accounts: resolved.accounts,
  };
}

/**
 * Issues never quote a configured value back (a token pasted into wsAddr would be printed): a quoted
 * value becomes "(the configured value)", secrets and anything JWT-shaped are masked wherever they are.
 */
function issueMasker(channel: unknown): (issue: ConfigIssue) => ConfigIssue {
  const quoted = channelValues(channel)
    .map((value) => JSON.stringify(value))
    .sort((a, b) => b.length - a.length);
  const secrets = channelSecrets(channel);
  return (issue) => {
    let message = issue.message;
    for (const q of quoted) message = message.split(q).join("(the configured value)");
    return { ...issue, message: redactTokensInText(maskSecrets(message, secrets)) };
  };
}

/** `multi-openim validate`: every problem with its full field path; exit 1 when there are errors. */
export async function runValidate(flags: ValidateFlags, io: CliIo): Promise<number> {
  const { config, errors, warnings, result } = await checkConfigFile(flags.config, io);
  const code = errors.length > 0 ? EXIT_ERROR : EXIT_OK;
  if (flags.json) {
    writeLine(
      io.stdout,
      JSON.stringify({ path: config.path, valid: errors.length === 0, errors, warnings }, null, 2),
    );
    return code;
  }
  writeLine(io.stdout, `config: ${config.path}`);
  for (const issue of errors) writeLine(io.stdout, `error   ${issue.path}: ${issue.message}`);
  for (const issue of warnings) writeLine(io.stdout, `warning ${issue.path}: ${issue.message}`);
  const accounts = Object.keys(result.config?.accounts ?? {}).length;
  writeLine(
    io.stdout,
    errors.length > 0
      ? `✗ ${errors.length} error(s), ${warnings.length} warning(s)`
      : `✓ valid: ${accounts} account(s), ${warnings.length} warning(s)`,
  );
  return code;
}
