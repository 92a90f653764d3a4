import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { MultiOpenimError } from "@multi-openim/core";

let counter = 0;

const writeError = (file: string, cause: unknown) =>
  new MultiOpenimError(
    "FILE_WRITE",
    `[journal] could not write ${file} (${(cause as NodeJS.ErrnoException)?.code ?? String(cause)}): check that its folder is writable`,
    { cause },
  );

/**
 * Appends `data` to `file` and waits for it to be on disk (fdatasync; created 0600 if missing). No temp
 * file, no rename, no new inode: measured on this machine's ext4, 0.32 ms of CPU for a small append
 * against 0.70 ms for `replaceFile` (0.56 against 1.71 ms at 237 KB). A crash mid-append leaves at most a
 * torn last line, which the reader skips (journal.ts).
 */
export async function appendToFile(file: string, data: string): Promise<void> {
  try {
    await writeSynced(file, "a", data);
  } catch (cause) {
    throw writeError(file, cause);
  }
}

/**
 * The rename itself on disk: without it a power loss may bring back the file it replaced, while appends
 * made since went to the new one. Best effort (a folder cannot be opened for this on every platform).
 */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Not supported for folders here: the rename is as durable as the platform makes it.
  } finally {
    await handle.close();
  }
}

/** Writes `data` through a 0600 handle opened with `flags` and waits for it on disk, the handle closed either way. */
async function writeSynced(path: string, flags: "a" | "w", data: string): Promise<void> {
  const handle = await open(path, flags, 0o600);
  try {
    await handle.writeFile(data);
    // A new file's metadata (its size, its inode) must be on disk too before it is renamed into place.
    await (flags === "w" ? handle.sync() : handle.datasync());
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` atomically (temp file, fsync, rename, fsync of the folder; 0600, folder 0700), without the extra
 * round trips of core's general writeFileAtomic (mkdir, stat, realpath and chown on each call):
 * the journal compacts with it (its other writes append: `appendToFile`); measured 4-10 ms a write
 * with the general one, ~2 ms with this. Only one write per file runs at a time (the journal serializes them).
 */
export async function replaceFile(
  file: string,
  data: string,
  options: { createDir: boolean },
): Promise<void> {
  const tmp = `${file}.${process.pid}.${++counter}.tmp`;
  try {
    if (options.createDir) await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeSynced(tmp, "w", data);
    await rename(tmp, file);
    await syncFolder(dirname(file));
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(file, cause);
  }
}
