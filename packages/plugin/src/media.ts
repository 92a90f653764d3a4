import { realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { MultiOpenimError, resolveOpenClawStateDir, type Target } from "@multi-openim/core";
import type { AccountClient, MediaSource, SendResult } from "./types.js";

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

/** OpenClaw's media store (`<stateDir>/media`) and its temp dir: where agent-made files land. */
export function defaultMediaRoots(stateDir: string = resolveOpenClawStateDir()): string[] {
  return [join(stateDir, "media"), "/tmp/openclaw", join(tmpdir(), "openclaw")];
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * Like mediaSourceOf, with the containment check done on real paths: a symlink inside an allowed
 * folder that points elsewhere (or a `..` trick) is refused, and the file must exist.
 */
export async function resolveMediaSource(location: string, roots: readonly string[]): Promise<MediaSource> {
  const source = mediaSourceOf(location, roots);
  if ("url" in source) return source;
  const real = await realpath(source.path).catch(() => undefined);
  const realRoots = await Promise.all(roots.map((r) => realpath(resolve(r)).catch(() => undefined)));
  if (!real || !realRoots.some((root) => root && inside(root, real))) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[multi-openim] local media ${JSON.stringify(location)} is missing or resolves outside the allowed media folders`,
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
