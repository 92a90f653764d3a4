import { lstatSync } from "node:fs";
import { lstat, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { resolveOpenClawStateDir } from "@multi-openim/core";

const PREFERRED_TMP = "/tmp/openclaw";

function ownedAndPrivate(stats: { uid: number; mode: number; isDirectory(): boolean }): boolean {
  const uid = process.getuid?.();
  return stats.isDirectory() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o022) === 0;
}

/**
 * OpenClaw's temp dir, by its own rule (openclaw/plugin-sdk/temp-path `resolvePreferredOpenClawTmpDir`):
 * `/tmp/openclaw` only when it is a real directory of this user that others cannot write, else
 * `<os.tmpdir()>/openclaw-<uid>`. Mirrored rather than imported: that module takes ~1.8 s to load cold.
 */
export function openclawTmpDir(): string {
  try {
    if (ownedAndPrivate(lstatSync(PREFERRED_TMP))) return PREFERRED_TMP;
  } catch {
    // missing: OpenClaw would create it, but a media root that does not exist holds nothing to send
  }
  const uid = process.getuid?.();
  return join(tmpdir(), uid === undefined ? "openclaw" : `openclaw-${uid}`);
}

/** OpenClaw's media store (`<stateDir>/media`) and its temp dir: where agent-made files land. */
export function defaultMediaRoots(stateDir: string = resolveOpenClawStateDir()): string[] {
  return [join(stateDir, "media"), openclawTmpDir()];
}

/**
 * Why a root cannot be trusted, or its real path. A root must itself be a directory (not a symlink,
 * which anyone who could create it first could point at `/`), owned by the gateway's user and not
 * writable by group or others; files are then compared against its real path.
 */
export async function checkMediaRoot(root: string): Promise<{ real: string } | { problem: string }> {
  const path = resolve(root);
  const stats = await lstat(path).catch(() => undefined);
  if (!stats) return { problem: `${path} does not exist` };
  if (stats.isSymbolicLink()) return { problem: `${path} is a symlink; list its target instead` };
  if (!stats.isDirectory()) return { problem: `${path} is not a directory` };
  if (!ownedAndPrivate(stats)) {
    return { problem: `${path} is not owned by this user or is writable by others (chmod go-w, chown)` };
  }
  return { real: await realpath(path) };
}

/** The real paths of the roots that pass checkMediaRoot; the others are reported to `skipped`. */
export async function trustedMediaRoots(
  roots: readonly string[],
  skipped?: (problem: string) => void,
): Promise<string[]> {
  const checked = await Promise.all([...new Set(roots)].map(checkMediaRoot));
  const real: string[] = [];
  for (const result of checked) {
    if ("real" in result) real.push(result.real);
    else skipped?.(result.problem);
  }
  return real;
}
