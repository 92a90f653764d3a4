/**
 * `@multi-openim/core/base`: what needs no config schema (so no zod) — names, errors, paths, JSON5
 * edits, JWT claims, redaction, targets. For code that must load fast and does not validate a config:
 * the plugin's doctor contract, which OpenClaw loads at every gateway start and `openclaw doctor`.
 * The package root exports all of this too.
 */
export { accountIdProblem, assertValidAccountId, isValidAccountId, ownEntry } from "./account-id.js";
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
