import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { type ToolFailure, toolFailure } from "./outcome.js";
import type { MediaSource } from "./sender.js";

export const DEFAULT_MAX_MEDIA_BYTES = 20 * 1024 * 1024;

export interface MediaPolicy {
  /** Folders local files may come from. Empty (the default): local files are refused, only URLs are sent. */
  allowedRoots?: string[];
  /** Largest local file accepted, in bytes. Default 20 MB. */
  maxBytes?: number;
}

export interface CheckedMedia {
  source: MediaSource;
  /** Size in bytes for a local file; URLs are sent by reference and not fetched here. */
  size?: number;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Each allowed root as given (normalized) and as its real path, so a root that is itself a symlink still works. */
async function rootsOf(allowedRoots: string[]): Promise<string[]> {
  const roots = new Set<string>();
  for (const root of allowedRoots) {
    if (!path.isAbsolute(root)) continue;
    roots.add(path.resolve(root));
    const real = await realpath(root).catch(() => undefined);
    if (real) roots.add(real);
  }
  return [...roots];
}

function checkUrl(url: string): CheckedMedia | ToolFailure {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return toolFailure("MEDIA_REFUSED", "url is not a valid URL: pass a full http:// or https:// address.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return toolFailure(
      "MEDIA_REFUSED",
      `url uses ${parsed.protocol.replace(/:$/, "")}: only http:// and https:// URLs can be sent.`,
    );
  }
  if (parsed.username || parsed.password) {
    // The URL travels to the recipient as-is; credentials in it would leak.
    return toolFailure(
      "MEDIA_REFUSED",
      "url contains a user name or password: pass a URL without credentials.",
    );
  }
  return { source: { url: parsed.href } };
}

async function checkPath(file: string, policy: MediaPolicy): Promise<CheckedMedia | ToolFailure> {
  const allowed = policy.allowedRoots ?? [];
  if (allowed.length === 0) {
    return toolFailure(
      "MEDIA_REFUSED",
      "local files are not enabled for this channel: pass a public http(s) url instead (the operator can allow folders).",
    );
  }
  if (file.includes("\0") || !path.isAbsolute(file)) {
    return toolFailure("MEDIA_REFUSED", "path must be an absolute file path inside an allowed folder.");
  }
  const roots = await rootsOf(allowed);
  const refused = toolFailure(
    "MEDIA_REFUSED",
    "path is outside the folders this channel may send from: use a file inside an allowed folder, or a public http(s) url.",
  );
  // Lexical check first, so nothing outside the roots is even looked at; ".." is folded away by resolve.
  if (!roots.some((root) => isInside(root, path.resolve(file)))) return refused;
  const real = await realpath(file).catch(() => undefined);
  if (!real) return toolFailure("MEDIA_REFUSED", "path does not name a readable file.");
  // Symlinks are followed, then checked again: a link inside a root must not lead out of it.
  if (!roots.some((root) => isInside(root, real))) return refused;
  const info = await stat(real).catch(() => undefined);
  if (!info?.isFile()) return toolFailure("MEDIA_REFUSED", "path is not a regular file.");
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  if (info.size > maxBytes) {
    return toolFailure(
      "MEDIA_REFUSED",
      `the file is ${megabytes(info.size)}, over the ${megabytes(maxBytes)} limit: send a smaller file or a url.`,
    );
  }
  if (info.size === 0) return toolFailure("MEDIA_REFUSED", "the file is empty: there is nothing to send.");
  return { source: { path: real }, size: info.size };
}

/** Checks a media source before anything is sent: exactly one of url / path, each within the policy. */
export async function checkMediaSource(
  input: { url?: unknown; path?: unknown },
  policy: MediaPolicy = {},
): Promise<CheckedMedia | ToolFailure> {
  const url = typeof input.url === "string" && input.url.trim() !== "" ? input.url.trim() : undefined;
  const file = typeof input.path === "string" && input.path.trim() !== "" ? input.path : undefined;
  if (url && file) {
    return toolFailure("TOOL_INPUT_INVALID", "give either url or path, not both.");
  }
  if (url) return checkUrl(url);
  if (file) return checkPath(file, policy);
  return toolFailure(
    "TOOL_INPUT_INVALID",
    "url or path is required: pass a public http(s) url to the media.",
  );
}
