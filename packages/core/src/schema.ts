import { z } from "zod";

const dotPaths = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const httpRefreshSchema = z.strictObject({
  endpoint: z
    .string()
    .min(1)
    .optional()
    .describe("Refresh URL; {accountId} and {state.<field>} are substituted."),
  method: z.string().min(1).default("POST"),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  timeoutMs: z.number().int().min(1).default(15000),
  responseTokenPath: dotPaths
    .optional()
    .describe("Dot-path(s) to the new token in the response; first non-empty wins."),
  responseUserIdPath: dotPaths.optional(),
  stateWriteBack: z.record(z.string(), dotPaths).optional(),
  clearOnSuccess: z.array(z.string().min(1)).optional(),
  stateFile: z.string().min(1).optional().describe("JSON file keyed by accountId, read for {state.<field>}."),
});

export const tokenRefreshSchema = z.strictObject({
  mode: z.enum(["http", "hook", "off"]).default("hook"),
  manualLoginMarkerPath: z.string().min(1).optional(),
  http: httpRefreshSchema.optional(),
});

export const accountConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  token: z.string().optional().describe("OpenIM JWT for this account."),
  wsAddr: z.string().optional().describe("OpenIM WebSocket gateway, e.g. ws://host:10001"),
  apiAddr: z.string().optional().describe("OpenIM REST API, e.g. http://host:10002"),
  userID: z.string().min(1).optional().describe("Defaults to the token's UserID claim."),
  platformID: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Defaults to the token's PlatformID claim, else 5."),
  requireMention: z.boolean().default(true),
  inboundWhitelist: z.array(z.string().min(1)).default([]),
  disableFriendSdk: z.boolean().optional(),
});

/** Fields of the removed single-account fallback: accepted at channel level only to be warned about and ignored. */
export const LEGACY_CHANNEL_FIELDS = ["token", "wsAddr", "apiAddr", "userID", "platformID"] as const;

const channelBase = {
  enabled: z.boolean().default(true),
  healthCheckIntervalMinutes: z.number().int().min(1).default(30),
  catchUpMaxAgeMinutes: z
    .number()
    .positive()
    .optional()
    .describe(
      "After downtime, messages older than this are not caught up (skipped, counted in status). Default 1440.",
    ),
  catchUpMaxMessages: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      "After downtime, at most this many messages per conversation are caught up (the newest). Default 200.",
    ),
  disableFriendSdk: z.boolean().default(true),
  tokenRefresh: tokenRefreshSchema.default({ mode: "hook" }),
  mediaMaxMb: z
    .number()
    .positive()
    .max(2048)
    .default(20)
    .describe("Largest media file downloaded from OpenIM or sent from a local path, in MB."),
  mediaLocalRoots: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Folders whose files tools and agents may send; OpenClaw's own media folder is always allowed for replies.",
    ),
  mediaAllowHosts: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Extra hosts inbound media may be fetched from; the account's own OpenIM host is always allowed.",
    ),
  replyToMode: z
    .enum(["off", "first", "all"])
    .default("off")
    .describe("Group replies quote the message they answer: off, the first chunk, or every chunk."),
  token: z.string().optional().describe("Ignored: put tokens under accounts.<id>."),
  wsAddr: z.string().optional().describe("Ignored: put addresses under accounts.<id>."),
  apiAddr: z.string().optional().describe("Ignored: put addresses under accounts.<id>."),
  userID: z.string().optional().describe("Ignored: set userID under accounts.<id>."),
  platformID: z.number().optional().describe("Ignored: set platformID under accounts.<id>."),
};

/** The whole `channels.multi-openim` block as users write it. */
export const channelConfigSchema = z.strictObject({
  ...channelBase,
  accounts: z
    .record(z.string(), accountConfigSchema)
    .describe("Named accounts; at least one. No default account."),
});

/** Used by validation: accounts are parsed one by one so one bad account never hides the others. */
export const channelShellSchema = z.strictObject({
  ...channelBase,
  accounts: z.record(z.string(), z.unknown()),
});

export type HttpRefreshConfig = z.output<typeof httpRefreshSchema>;
export type TokenRefreshConfig = z.output<typeof tokenRefreshSchema>;
export type AccountConfig = z.output<typeof accountConfigSchema>;
export type ChannelConfig = z.output<typeof channelConfigSchema>;
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;

/** JSON Schema of the channel block (what users may write), for openclaw.plugin.json and editors. */
export const channelConfigJsonSchema: Record<string, unknown> = z.toJSONSchema(channelConfigSchema, {
  io: "input",
}) as Record<string, unknown>;
