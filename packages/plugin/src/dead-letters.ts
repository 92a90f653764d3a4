import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { DeadLetterSummary } from "./journal.js";
import type { ChannelSnapshot } from "./status.js";
import type { Logger } from "./types.js";

/**
 * `<stateDir>/multi-openim/resubmit-<accountId>.json`: an operator (or a tool) drops this file to have the
 * running gateway dispatch that account's dead letters again — `{}` for all of them, `{"ids": [...]}` for
 * some. The gateway takes the file (deletes it) within `intervalMs`. A file, not a call: the CLI runs in
 * another process than the gateway, and the journal file belongs to the gateway alone.
 */
export function resubmitRequestPath(stateDir: string, accountId: string): string {
  return join(stateDir, "multi-openim", `resubmit-${accountId}.json`);
}

/** Reads and removes a pending request: the ids asked for ([] = all), or undefined when there is none. */
export async function takeResubmitRequest(file: string, log: Logger): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  await rm(file, { force: true });
  try {
    const parsed = (text.trim() ? JSON.parse(text) : {}) as { ids?: unknown };
    if (parsed.ids === undefined) return [];
    if (Array.isArray(parsed.ids) && parsed.ids.every((id) => typeof id === "string")) return parsed.ids;
    throw new Error("ids must be an array of clientMsgIDs");
  } catch (error) {
    log.error(
      `[multi-openim] ${file} ignored: expected {} or {"ids": ["<clientMsgID>", ...]} (${(error as Error).message})`,
    );
    return undefined;
  }
}

/** Polls for resubmit requests until the returned stop is called. */
export function watchResubmits(
  file: string,
  intervalMs: number,
  log: Logger,
  onRequest: (ids: string[]) => Promise<void>,
): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    takeResubmitRequest(file, log)
      .then((ids) => (ids ? onRequest(ids) : undefined))
      .catch((error) => log.warn(`[multi-openim] resubmit failed: ${String(error)}`))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/** Dead letters in the published status (OpenClaw's snapshot has `audit` for channel facts). */
export function withDeadLetters(snapshot: ChannelSnapshot, dead: DeadLetterSummary): ChannelSnapshot {
  if (dead.count === 0) return snapshot;
  return {
    ...snapshot,
    audit: {
      ...snapshot.audit,
      deadLetters: dead.count,
      ...(dead.last ? { lastDeadLetter: dead.last } : {}),
    },
  };
}
