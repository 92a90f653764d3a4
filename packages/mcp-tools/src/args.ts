import { parseArgs } from "node:util";
import { MultiOpenimError } from "@multi-openim/core";

export interface McpArgs {
  /** openclaw.json to read; undefined means core's default resolution ($OPENCLAW_CONFIG_PATH, ~/.openclaw). */
  configPath?: string;
  /** Restrict the exposed accounts to these; empty means every enabled account. */
  accounts: string[];
  /** Folders local media may come from; empty means URLs only. */
  allowRoots: string[];
  maxBytes?: number;
  help: boolean;
}

export const MCP_USAGE = `Usage: multi-openim-mcp [options]

Serves multi_openim_send_text|image|video|file over MCP on stdio, sending through the
accounts in channels.multi-openim of an OpenClaw config.

Options:
  --config <path>      openclaw.json to read (default: $OPENCLAW_CONFIG_PATH or ~/.openclaw/openclaw.json)
  --account <id>       expose only this account (repeatable; default: every enabled account)
  --allow-root <dir>   allow local files under this absolute folder (repeatable; default: URLs only)
  --max-bytes <n>      largest local file to send, in bytes (default: 20971520 = 20 MB)
  -h, --help           show this help
`;

function usage(message: string): MultiOpenimError {
  return new MultiOpenimError("CLI_USAGE", `[mcp-tools] ${message}\n\n${MCP_USAGE}`);
}

export function parseMcpArgs(argv: string[]): McpArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const allowRoots = values["allow-root"] ?? [];
  const relative = allowRoots.find((dir) => !dir.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(dir));
  if (relative !== undefined)
    throw usage(`--allow-root ${JSON.stringify(relative)} must be an absolute folder.`);
  let maxBytes: number | undefined;
  if (values["max-bytes"] !== undefined) {
    maxBytes = Number(values["max-bytes"]);
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw usage(
        `--max-bytes ${JSON.stringify(values["max-bytes"])} must be a positive whole number of bytes.`,
      );
    }
  }
  return {
    configPath: values.config,
    accounts: values.account ?? [],
    allowRoots,
    maxBytes,
    help: values.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: "string" },
      account: { type: "string", multiple: true },
      "allow-root": { type: "string", multiple: true },
      "max-bytes": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
