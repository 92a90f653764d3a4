import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { MultiOpenimError, type Target } from "@multi-openim/core";
import { trustedMediaRoots } from "./media-roots.js";
import type { AccountClient, MediaSource, SendResult } from "./types.js";

export { defaultMediaRoots } from "./media-roots.js";

/** The schema's default `mediaMaxMb` (20), in bytes. */
export const DEFAULT_MEDIA_MAX_BYTES = 20 * 1024 * 1024;

export function mediaMaxBytesOf(channel: { mediaMaxMb?: number } | undefined): number {
  return Math.floor((channel?.mediaMaxMb ?? 20) * 1024 * 1024);
}

const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i;
const VIDEO = /\.(mp4|mov|m4v|webm|mkv|avi)$/i;

export type MediaKind = "image" | "video" | "file";

export function mediaKindOf(location: string): MediaKind {
  const path = location.split(/[?#]/)[0] ?? location;
  if (IMAGE.test(path)) return "image";
  if (VIDEO.test(path)) return "video";
  return "file";
}

/**
 * URLs (http/https) are sent as they are; a local path only when it lies inside one of the roots
 * OpenClaw allows for this send, so an agent cannot mail out arbitrary files from the host.
 */
export function mediaSourceOf(location: string, localRoots: readonly string[] = []): MediaSource {
  if (/^https?:\/\//i.test(location)) return { url: location };
  if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !/^file:/i.test(location)) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[multi-openim] media URL scheme not allowed: use http(s) or a local path`,
    );
  }
  const path = resolve(location.replace(/^file:\/\//i, ""));
  const inside = localRoots.some((root) => {
    const rel = relative(resolve(root), path);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  });
  if (!inside) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[multi-openim] local media ${JSON.stringify(location)} is outside the allowed media folders; send a URL instead`,
    );
  }
  return { path };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * Like mediaSourceOf, with the containment check done on real paths against trusted roots only
 * (see checkMediaRoot): a symlink inside an allowed folder that points elsewhere, a `..` trick, a
 * root that is a symlink or writable by others, a file that is not a regular file or is larger than
 * `maxBytes` (mediaMaxMb) are all refused before anything is read.
 */
export async function resolveMediaSource(
  location: string,
  roots: readonly string[],
  maxBytes: number = DEFAULT_MEDIA_MAX_BYTES,
): Promise<MediaSource> {
  const source = mediaSourceOf(location, roots);
  if ("url" in source) return source;
  const real = await realpath(source.path).catch(() => undefined);
  const realRoots = await trustedMediaRoots(roots);
  if (!real || !realRoots.some((root) => inside(root, real))) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[multi-openim] local media ${JSON.stringify(location)} is missing or resolves outside the allowed media folders`,
    );
  }
  const stats = await stat(real);
  if (!stats.isFile()) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[multi-openim] local media ${JSON.stringify(location)} is not a regular file`,
    );
  }
  if (stats.size > maxBytes) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[multi-openim] local media ${JSON.stringify(location)} is ${stats.size} bytes, over the mediaMaxMb limit of ${maxBytes} bytes`,
    );
  }
  return { path: real };
}

export function sendMediaTo(
  client: AccountClient,
  target: Target,
  kind: MediaKind,
  source: MediaSource,
): Promise<SendResult> {
  if (kind === "image") return client.sendImage(target, source);
  if (kind === "video") return client.sendVideo(target, source);
  return client.sendFile(target, source);
}
