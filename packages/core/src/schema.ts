import { z } from "zod";
import { accessFields } from "./access-schema.js";
import cachedJsonSchema from "./channel-config.schema.json" with { type: "json" };

const dotPaths = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const httpRefreshSchema = z.strictObject({
  endpoint: z
    .string()
    .min(1)
    .optional()
    .describe("Refresh URL; {accountId} and {state.<field>} are substituted."),
  method: z.string().min(1).default("POST").describe("HTTP method of the refresh call."),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe("Request headers; values may use {accountId} and {state.<field>}."),
  body: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .optional()
    .describe("Request body: an object is sent as JSON (templates in string leaves), a string verbatim."),
  timeoutMs: z.number().int().min(1).default(15000).describe("Timeout of one refresh call, in ms."),
  responseTokenPath: dotPaths
    .optional()
    .describe("Dot-path(s) to the new token in the response; first non-empty wins."),
  responseUserIdPath: dotPaths
    .optional()
    .describe("Dot-path(s) to a new userID in the response, when the server rotates it."),
  stateWriteBack: z
    .record(z.string(), dotPaths)
    .optional()
    .describe("stateFile fields to update from the response: { field: dot-path }."),
  clearOnSuccess: z
    .array(z.string().min(1))
    .optional()
    .describe("Files deleted after a successful refresh (e.g. a manual-login marker); {accountId} allowed."),
  stateFile: z.string().min(1).optional().describe("JSON file keyed by accountId, read for {state.<field>}."),
});

export const adminRefreshSchema = z
  .strictObject({
    adminUserID: z.string().min(1).describe("An admin user of the OpenIM server (its imAdminUserID)."),
    secretEnv: z
      .string()
      .min(1)
      .optional()
      .describe("Environment variable holding the server's admin secret (preferred)."),
    secretFile: z.string().min(1).optional().describe("File holding the server's admin secret."),
    secret: z
      .string()
      .min(1)
      .optional()
      .describe("The admin secret inline; allowed, with a warning: prefer secretEnv or secretFile."),
    apiAddr: z
      .string()
      .min(1)
      .optional()
      .describe("OpenIM REST API for the admin calls; default the account's."),
  })
  .refine((a) => [a.secretEnv, a.secretFile, a.secret].filter((v) => v !== undefined).length === 1, {
    message: "set exactly one of secretEnv, secretFile or secret",
  })
  .describe("mode \"admin\": mint each account's token from the server's admin secret.");

export const tokenRefreshSchema = z.strictObject({
  mode: z
    .enum(["http", "hook", "off", "admin"])
    .default("hook")
    .describe(
      "http: a configured refresh endpoint; hook: globalThis.__multiOpenimTokenRefresher; admin: minted from the server's admin secret (tokenRefresh.admin); off: none.",
    ),
  manualLoginMarkerPath: z
    .string()
    .min(1)
    .optional()
    .describe("Where the manual-login marker is written; the accountId is inserted before the extension."),
  http: httpRefreshSchema.optional().describe('The refresh call, for mode "http".'),
  admin: adminRefreshSchema
    .optional()
    .describe(
      'For mode "admin": {adminUserID, secretEnv | secretFile | secret, apiAddr?}; the token is minted on the account\'s own server.',
    ),
});

const REDIS_URL_FIX =
  "use redis://[:password@]host:port[/db] or rediss:// for TLS, e.g. redis://127.0.0.1:6379";

export const alertsSchema = z
  .strictObject({
    webhook: z
      .string()
      .refine((u) => /^https?:\/\/[^\s/]+/.test(u), {
        message: "must be an http:// or https:// URL, e.g. https://ops.example.com/hooks/openim",
      })
      .optional()
      .describe(
        "POSTs {accountId, event, reason, at} as JSON here on needs-login, circuit open and recovered (never a token or secret).",
      ),
    retries: z.number().int().min(0).max(10).optional().describe("Attempts after a failed POST. Default 3."),
    timeoutMs: z.number().int().min(100).optional().describe("Timeout of one POST, in ms. Default 5000."),
    retryDelayMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("First wait between attempts, in ms (doubles each time). Default 500."),
  })
  .describe(
    "Where to tell a human that an account needs one (needs-login, refresh circuit open, recovered).",
  );

export const fileStoreSchema = z
  .strictObject({
    kind: z.literal("file").describe("Files under the OpenClaw state dir (one machine)."),
  })
  .describe("The default: refresh state, refresh locks, account leases and saved positions in local files.");

export const redisStoreSchema = z
  .strictObject({
    kind: z.literal("redis").describe("Redis, shared by every gateway and tool that uses the same url."),
    url: z
      .string()
      .refine((u) => /^rediss?:\/\/[^\s]+$/.test(u), { message: `must be a Redis URL: ${REDIS_URL_FIX}` })
      .describe(
        "redis://[:password@]host:port[/db] (rediss:// for TLS). A password in it is a secret: never logged.",
      ),
    keyPrefix: z
      .string()
      .min(1)
      .optional()
      .describe('Prefix of every key, so several fleets can share one Redis. Default "multi-openim:".'),
    leaseTtlMs: z
      .number()
      .int()
      .min(1000)
      .max(300_000)
      .optional()
      .describe(
        "An account lease whose holder stopped renewing it (died) expires after this, and a standby gateway takes the account over. Default 10000.",
      ),
  })
  .describe("A fleet on Redis: several gateways (active and standby) share the accounts across machines.");

export const storeSchema = z
  .discriminatedUnion("kind", [fileStoreSchema, redisStoreSchema], {
    error: (issue) =>
      issue.code === "invalid_union"
        ? 'store.kind must be "file" (default) or "redis"; for Redis write { kind: "redis", url: "redis://127.0.0.1:6379" }'
        : undefined,
  })
  .describe(
    'Where refresh state, refresh locks, account leases and saved positions live: {kind: "file"} (default) or {kind: "redis", url}.',
  );

export const accountConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("false: the account is configured but not started."),
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
  requireMention: z
    .boolean()
    .optional()
    .describe(
      "The account-wide group default: answer in groups only when @-mentioned (or @all, or the bot is quoted). Default true; groups.<id>.requireMention overrides it.",
    ),
  inboundWhitelist: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "0.1.0's field: when non-empty, only these userIDs reach the agent, in DMs and groups (dmPolicy and groupPolicy allowlist).",
    ),
  disableFriendSdk: z
    .boolean()
    .optional()
    .describe("Overrides the channel's disableFriendSdk for this account."),
  ...accessFields,
});

/** Fields of the removed single-account fallback: accepted at channel level only to be warned about and ignored. */

const channelBase = {
  enabled: z.boolean().default(true).describe("false: no account of this channel is started."),
  healthCheckIntervalMinutes: z
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("How often each account's connection is checked (and restarted when dead), in minutes."),
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
  disableFriendSdk: z
    .boolean()
    .default(true)
    .describe("Stub the OpenIM SDK's friend API (MULTI_OPENIM_FRIEND_API_DISABLED); accounts may override."),
  tokenRefresh: tokenRefreshSchema
    .default({ mode: "hook" })
    .describe("How a dead token gets replaced without a human."),
  alerts: alertsSchema.optional(),
  store: storeSchema.default({ kind: "file" }),
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
      "Extra hosts (host or host:port) inbound media may be fetched from, e.g. the MinIO host:port whose URLs appear in messages; the account's OpenIM apiAddr/wsAddr host:port pairs are always allowed.",
    ),
  historyLimit: z
    .number()
    .int()
    .min(0)
    .max(500)
    .default(50)
    .describe(
      "Group messages kept per group while the bot is not mentioned, handed to the agent as context with the next mention; 0 keeps none.",
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
  ...accessFields,
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
export type AdminRefreshConfig = z.output<typeof adminRefreshSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;
export type StoreConfig = z.output<typeof storeSchema>;
export type RedisStoreConfig = z.output<typeof redisStoreSchema>;
export type AccountConfig = z.output<typeof accountConfigSchema>;
export type ChannelConfig = z.output<typeof channelConfigSchema>;
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;

/**
 * JSON Schema of the channel block (what users may write), for openclaw.plugin.json and editors, as zod
 * generates it. Not run at import (zod's generator costs a gateway tens of ms per plugin load): the result
 * is kept in channel-config.schema.json, which schema.test.ts checks against this.
 */
export function generateChannelConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(channelConfigSchema, { io: "input" }) as Record<string, unknown>;
}

/** The cached JSON Schema of the channel block (see generateChannelConfigJsonSchema). */
export const channelConfigJsonSchema: Record<string, unknown> = cachedJsonSchema;
