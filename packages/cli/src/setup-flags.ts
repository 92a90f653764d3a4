import { Command, InvalidArgumentError, Option } from "commander";

/** What commander hands the setup action (camel-cased flag names). */
export interface SetupFlags {
  config?: string;
  account?: string;
  ws?: string;
  api?: string;
  token?: string;
  tokenFile?: string;
  userId?: string;
  platformId?: number;
  disabled?: boolean;
  requireMention?: boolean;
  whitelist?: string[];
  disableFriendSdk?: boolean;
  dmPolicy?: "pairing" | "allowlist" | "open" | "disabled";
  allowFrom?: string[];
  refreshMode?: "http" | "hook" | "off";
  refreshEndpoint?: string;
  refreshMethod?: string;
  refreshHeader?: string[];
  refreshBody?: string;
  refreshTokenPath?: string[];
  refreshUserIdPath?: string;
  refreshStateFile?: string;
  refreshTimeoutMs?: number;
  refreshMarkerPath?: string;
  nonInteractive?: boolean;
  fromJson?: string;
  dryRun?: boolean;
  force?: boolean;
  skipTest?: boolean;
  testTimeoutMs?: number;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1.`);
    return n;
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function commaList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...items];
}

/** Adds the setup command's flags: one for every account field, plus the channel's tokenRefresh. */
export function addSetupFlags(command: Command): Command {
  return command
    .option(
      "--config <path>",
      "OpenClaw config file (default: $OPENCLAW_CONFIG_PATH or ~/.openclaw/openclaw.json)",
    )
    .option("--account <id>", "account id, e.g. primary")
    .option("--ws <url>", "OpenIM WebSocket address (wsAddr), e.g. ws://host:10001")
    .option("--api <url>", "OpenIM REST address (apiAddr), e.g. http://host:10002")
    .option(
      "--token <jwt>",
      "OpenIM token (visible to other local users in the process list: prefer --token-file)",
    )
    .option("--token-file <file>", "read the token from a file, or from stdin with -")
    .option("--user-id <id>", "OpenIM userID (default: the token's UserID claim)")
    .option(
      "--platform-id <n>",
      "OpenIM platformID (default: the token's PlatformID claim, else 5)",
      positiveInt("--platform-id"),
    )
    .option("--disabled", "write the account with enabled: false")
    .option("--require-mention", "in groups, reply only when @-mentioned (the default)")
    .option("--no-require-mention", "in groups, reply to every message")
    .option(
      "--whitelist <ids>",
      "only these userIDs trigger the agent (comma-separated, repeatable)",
      commaList,
    )
    .addOption(
      new Option(
        "--dm-policy <policy>",
        "who may DM the bot: pairing (recommended), allowlist, open, disabled",
      ).choices(["pairing", "allowlist", "open", "disabled"]),
    )
    .option("--allow-from <ids>", "userIDs allowed to DM the bot (comma-separated, repeatable)", commaList)
    .option("--disable-friend-sdk", "stub the SDK's friend APIs for this account")
    .option("--no-disable-friend-sdk", "keep the SDK's friend APIs for this account")
    .addOption(
      new Option("--refresh-mode <mode>", "channel tokenRefresh.mode").choices(["http", "hook", "off"]),
    )
    .option("--refresh-endpoint <url>", "tokenRefresh.http.endpoint ({accountId}, {state.<field>} allowed)")
    .option("--refresh-method <method>", "tokenRefresh.http.method (default POST)")
    .option("--refresh-header <name:value>", "tokenRefresh.http.headers entry (repeatable)", collect)
    .option("--refresh-body <json|text>", "tokenRefresh.http.body: a JSON object, or a string sent verbatim")
    .option(
      "--refresh-token-path <path>",
      "tokenRefresh.http.responseTokenPath (repeatable; first non-empty wins)",
      collect,
    )
    .option("--refresh-user-id-path <path>", "tokenRefresh.http.responseUserIdPath")
    .option("--refresh-state-file <path>", "tokenRefresh.http.stateFile")
    .option("--refresh-timeout-ms <ms>", "tokenRefresh.http.timeoutMs", positiveInt("--refresh-timeout-ms"))
    .option("--refresh-marker-path <path>", "tokenRefresh.manualLoginMarkerPath")
    .option("--from-json <file>", "read the fields from a JSON/JSON5 file, or stdin with - (flags win)")
    .option("--non-interactive", "never prompt; fail with exit code 2 naming missing flags")
    .option("--dry-run", "show the change and write nothing")
    .option("--force", "replace an existing account with the same id without asking")
    .option("--skip-test", "do not test the connection before writing")
    .option(
      "--test-timeout-ms <ms>",
      "connection test timeout (default 15000)",
      positiveInt("--test-timeout-ms"),
    );
}

export function newSetupCommand(): Command {
  return addSetupFlags(new Command("setup"));
}
