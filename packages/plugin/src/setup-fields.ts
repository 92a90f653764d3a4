/**
 * The flags `openclaw channels add --channel multi-openim` accepts: the same names as
 * `multi-openim setup`, so one set of docs serves both. OpenClaw registers them from the package
 * manifest (`openclaw.channel.setup.fields`, kept equal to this by setup-adapter.test.ts) and parses
 * them with the setup contract built from this object; a key must equal its flag's camel-cased name.
 */
export const SETUP_FIELDS = {
  token: {
    kind: "string",
    sensitive: true,
    cli: { flags: "--token <jwt>", description: "OpenIM token (prefer --token-file: a flag shows in ps)" },
  },
  tokenFile: {
    kind: "string",
    cli: { flags: "--token-file <path>", description: "read the OpenIM token from a file" },
  },
  ws: {
    kind: "string",
    cli: { flags: "--ws <url>", description: "OpenIM WebSocket address (wsAddr), e.g. ws://host:10001" },
  },
  api: {
    kind: "string",
    cli: { flags: "--api <url>", description: "OpenIM REST address (apiAddr), e.g. http://host:10002" },
  },
  userId: {
    kind: "string",
    cli: { flags: "--user-id <id>", description: "OpenIM userID (default: the token's UserID claim)" },
  },
  platformId: {
    kind: "integer",
    cli: {
      flags: "--platform-id <n>",
      description: "OpenIM platformID (default: the token's claim, else 5)",
    },
  },
  dmPolicy: {
    kind: "choice",
    choices: ["pairing", "allowlist", "open", "disabled"],
    cli: {
      flags: "--dm-policy <policy>",
      description: "who may DM the bot: pairing (recommended), allowlist, open, disabled",
    },
  },
  allowFrom: {
    kind: "string-list",
    cli: {
      flags: "--allow-from <ids>",
      description: "OpenIM userIDs allowed to DM the bot (comma-separated)",
    },
  },
  requireMention: {
    kind: "boolean",
    cli: {
      flags: "--require-mention",
      negatedFlags: "--no-require-mention",
      description: "in groups, answer only when @-mentioned (default) / answer every message",
    },
  },
  skipTest: {
    kind: "boolean",
    cli: { flags: "--skip-test", description: "write without testing the login first" },
  },
} as const;

export type SetupFieldInput = {
  name?: string;
  token?: string;
  tokenFile?: string;
  ws?: string;
  api?: string;
  userId?: string;
  platformId?: number;
  dmPolicy?: "pairing" | "allowlist" | "open" | "disabled";
  allowFrom?: string[];
  requireMention?: boolean;
  skipTest?: boolean;
};

/** The manifest form: `openclaw.channel.setup.fields` in package.json. */
export function manifestSetupFields(): Record<string, unknown>[] {
  return Object.entries(SETUP_FIELDS).map(([key, field]) => ({ key, ...field }));
}
