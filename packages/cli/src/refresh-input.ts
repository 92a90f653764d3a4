import { tokenRefreshSchema } from "@multi-openim/core";
import type { SetupFlags } from "./setup-flags.js";
import { usageError } from "./usage.js";

/** channels.multi-openim.tokenRefresh as written (no defaults filled in). */
export interface RefreshBlock {
  mode: "http" | "hook" | "off";
  manualLoginMarkerPath?: string;
  http?: Record<string, unknown>;
}

/** Checks a block with core's schema and refuses an http mode that would silently turn itself off. */
export function checkRefreshBlock(block: unknown, where: string): RefreshBlock {
  const parsed = tokenRefreshSchema.safeParse(block);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usageError(`${[where, ...issue.path.map(String)].join(".")}: ${issue.message}`);
  }
  const value = block as RefreshBlock;
  if (parsed.data.mode === "http") {
    const missing = [
      parsed.data.http?.endpoint ? null : "endpoint (--refresh-endpoint)",
      parsed.data.http?.responseTokenPath ? null : "responseTokenPath (--refresh-token-path)",
    ].filter(Boolean);
    if (missing.length > 0) throw usageError(`${where}: mode "http" needs ${missing.join(" and ")}`);
  }
  return value;
}

export function refreshFromJson(value: unknown): RefreshBlock {
  return checkRefreshBlock(value, "from-json.tokenRefresh");
}

function parseHeader(raw: string): [string, string] {
  const at = raw.indexOf(":");
  // The value is not echoed: it is a credential more often than not.
  if (at <= 0) throw usageError(`--refresh-header must look like "name: value" (the value given has no ":")`);
  return [raw.slice(0, at).trim(), raw.slice(at + 1).trim()];
}

function parseBody(raw: string): unknown {
  const trimmed = raw.trim();
  if (!trimmed.startsWith("{")) return raw;
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    throw usageError(`--refresh-body looks like JSON but does not parse (${(error as Error).message})`);
  }
}

/** Builds tokenRefresh from --refresh-* flags over a base (from --from-json); undefined when no flag was given. */
export function refreshFromFlags(
  flags: SetupFlags,
  base: RefreshBlock | undefined,
): RefreshBlock | undefined {
  const http: Record<string, unknown> = {};
  if (flags.refreshEndpoint !== undefined) http.endpoint = flags.refreshEndpoint;
  if (flags.refreshMethod !== undefined) http.method = flags.refreshMethod.toUpperCase();
  if (flags.refreshHeader !== undefined)
    http.headers = Object.fromEntries(flags.refreshHeader.map(parseHeader));
  if (flags.refreshBody !== undefined) http.body = parseBody(flags.refreshBody);
  if (flags.refreshTokenPath !== undefined) {
    http.responseTokenPath =
      flags.refreshTokenPath.length === 1 ? flags.refreshTokenPath[0] : flags.refreshTokenPath;
  }
  if (flags.refreshUserIdPath !== undefined) http.responseUserIdPath = flags.refreshUserIdPath;
  if (flags.refreshStateFile !== undefined) http.stateFile = flags.refreshStateFile;
  if (flags.refreshTimeoutMs !== undefined) http.timeoutMs = flags.refreshTimeoutMs;
  const anyHttp = Object.keys(http).length > 0;
  if (!anyHttp && flags.refreshMode === undefined && flags.refreshMarkerPath === undefined) return undefined;

  const mode = flags.refreshMode ?? base?.mode ?? (anyHttp ? "http" : undefined);
  if (!mode) throw usageError("--refresh-marker-path needs --refresh-mode <http|hook|off>");
  if (anyHttp && mode !== "http")
    throw usageError(`--refresh-endpoint and the other http flags need --refresh-mode http (not ${mode})`);
  const block: RefreshBlock = { mode };
  const marker = flags.refreshMarkerPath ?? base?.manualLoginMarkerPath;
  if (marker !== undefined) block.manualLoginMarkerPath = marker;
  const mergedHttp = { ...(base?.http ?? {}), ...http };
  if (mode === "http" || Object.keys(mergedHttp).length > 0) block.http = mergedHttp;
  return checkRefreshBlock(block, "tokenRefresh");
}
