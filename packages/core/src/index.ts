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
export { accountIdProblem, assertValidAccountId, isValidAccountId, ownEntry } from "./account-id.js";
export {
  type ResolvedAccount,
  type ResolvedAccounts,
  resolveAccounts,
  type SkippedAccount,
} from "./accounts.js";
export {
  CHANNEL_ALIASES,
  CHANNEL_ID,
  CHANNEL_LABEL,
  DEFAULT_MARKER_PATH,
  DEFAULT_PLATFORM_ID,
  LEGACY_CHANNEL_FIELDS,
  PLUGIN_ID,
} from "./constants.js";
export { isMultiOpenimError, MultiOpenimError, type MultiOpenimErrorCode } from "./errors.js";
export {
  type AtomicWriteOptions,
  readableByOthersWarning,
  readJson5File,
  readJsonFile,
  writeFileAtomic,
} from "./files.js";
export { editJson5Text, type PatchResult, patchAccountToken, patchJson5File } from "./json5-patch.js";
export { decodeJwtClaims, type OpenImClaims, tokenExpiresAt } from "./jwt.js";
export { expandHome, markerPathFor, resolveOpenClawConfigPath, resolveOpenClawStateDir } from "./paths.js";
export {
  REDACTED,
  redactedPreview,
  redactSecrets,
  redactTokensInText,
  redactUrlCredentials,
  secretEncodings,
  urlCredentials,
} from "./redact.js";
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
export {
  formatTarget,
  groupPeerId,
  groupSessionKey,
  parseGroupPeerId,
  parseTarget,
  sessionKey,
  sessionKeySegment,
  type Target,
  type TargetKind,
} from "./targets.js";
export { type ConfigIssue, type ValidationResult, validateChannelConfig } from "./validate.js";
