/** The package root: everything in `./base` (no config schema) plus the config schema, validation and accounts. */

export {
  type AccessPolicy,
  type GroupAccess,
  listAdmits,
  resolveAccess,
  resolveGroupAccess,
} from "./access.js";
export {
  accessFields,
  CONFIG_DOC,
  DM_POLICIES,
  type DmPolicy,
  GROUP_POLICIES,
  type GroupConfig,
  type GroupPolicy,
  groupConfigSchema,
  type ToolPolicy,
  toolPolicySchema,
} from "./access-schema.js";
export {
  type ResolvedAccount,
  type ResolvedAccounts,
  resolveAccounts,
  type SkippedAccount,
} from "./accounts.js";
export * from "./base.js";
export {
  type AccountConfig,
  type AdminRefreshConfig,
  type AlertsConfig,
  accountConfigSchema,
  adminRefreshSchema,
  alertsSchema,
  type ChannelConfig,
  type ChannelConfigInput,
  channelConfigJsonSchema,
  channelConfigSchema,
  type HttpRefreshConfig,
  httpRefreshSchema,
  type RedisStoreConfig,
  redisStoreSchema,
  type StoreConfig,
  storeSchema,
  type TokenRefreshConfig,
  tokenRefreshSchema,
} from "./schema.js";
export { type ConfigIssue, type ValidationResult, validateChannelConfig } from "./validate.js";
