import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { MultiOpenimError } from "@multi-openim/core";

let counter = 0;

/**
 * Replaces `file` atomically (temp file, fsync, rename; 0600, folder 0700), without the extra
 * round trips of core's general writeFileAtomic (mkdir, stat, realpath and chown on each call):
 * the journal writes on the inbound path, twice per message, and measured 4-10 ms a write with it,
 * ~2 ms with this. Only one write per file runs at a time (the journal serializes them).
 */
export async function replaceFile(
  file: string,
  data: string,
  options: { createDir: boolean },
): Promise<void> {
  const tmp = `${file}.${process.pid}.${++counter}.tmp`;
  try {
    if (options.createDir) await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(tmp, "w", 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => {});
    const reason = (cause as NodeJS.ErrnoException)?.code ?? String(cause);
    throw new MultiOpenimError(
      "FILE_WRITE",
      `[journal] could not write ${file} (${reason}): check that its folder is writable`,
      { cause },
    );
  }
}
