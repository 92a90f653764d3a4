import { readFile } from "node:fs/promises";

/** One entry of the plugin's inbound journal as the tests look at it. */
export interface JournalEntryOnDisk {
  id: string;
  state: string;
}

/**
 * The plugin's inbound journal file read as the tests see it, independently of the plugin's own reader:
 * JSON lines, a snapshot line (`{"version":…,"entries":[…]}`) then one entry per line, the newest line of
 * an id winning; a torn last line is skipped. Map order: the order of each id's newest line. A missing
 * file reads as empty.
 */
export async function readJournalFile(file: string): Promise<Map<string, JournalEntryOnDisk>> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const entries = new Map<string, JournalEntryOnDisk>();
  const lines = text.split("\n").filter((line) => line.trim());
  lines.forEach((line, n) => {
    let parsed: { entries?: JournalEntryOnDisk[] } & Partial<JournalEntryOnDisk>;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      if (n === lines.length - 1) return;
      throw new Error(`[testkit] ${file}: line ${n + 1} is not JSON (${String(error)})`);
    }
    for (const entry of parsed.entries ?? [parsed as JournalEntryOnDisk]) {
      entries.delete(entry.id);
      entries.set(entry.id, entry);
    }
  });
  return entries;
}
