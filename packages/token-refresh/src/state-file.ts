import { readJsonFile, writeFileAtomic } from "@multi-openim/core";
import lockfile from "proper-lockfile";
import { refreshError } from "./errors.js";

type StateFile = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

async function readStateFile(path: string): Promise<StateFile> {
  let data: unknown;
  try {
    data = await readJsonFile<unknown>(path);
  } catch (error) {
    throw refreshError(
      "REFRESH_STATE_READ",
      `cannot read tokenRefresh.http.stateFile ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (data === undefined) return Object.create(null);
  if (!isRecord(data)) {
    throw refreshError(
      "REFRESH_STATE_READ",
      `tokenRefresh.http.stateFile ${path} must hold a JSON object keyed by accountId`,
    );
  }
  // Keyed by account id: a null prototype means no id ever reads or writes Object.prototype.
  return Object.assign(Object.create(null), data);
}

/** `stateFile[accountId]`, or {} when the file or the entry is missing (the state is optional context). */
export async function readAccountState(path: string, accountId: string): Promise<Record<string, unknown>> {
  const file = await readStateFile(path);
  const entry = file[accountId];
  if (entry === undefined || entry === null) return {};
  if (!isRecord(entry)) {
    throw refreshError(
      "REFRESH_STATE_READ",
      `tokenRefresh.http.stateFile ${path}: entry "${accountId}" must be an object of fields`,
    );
  }
  return entry;
}

// Accounts refresh in parallel and may share one state file; writes to a path run one at a time so none is lost.
const writeQueues = new Map<string, Promise<unknown>>();

function serialize<T>(path: string, task: () => Promise<T>): Promise<T> {
  const previous = writeQueues.get(path) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  writeQueues.set(path, settled);
  void settled.then(() => {
    if (writeQueues.get(path) === settled) writeQueues.delete(path);
  });
  return next;
}

/** Waits (up to ~10 s) only while another process holds the lock; any other error (EACCES) fails at once. */
async function lockStateFile(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await lockfile.lock(path, { realpath: false, stale: 10_000 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED" || attempt >= 400) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
}

/**
 * Merges `fields` into `stateFile[accountId]` and writes the file atomically (temp + rename, 0600).
 * The file is re-read inside the queue so other accounts' entries and concurrent edits survive.
 */
export function writeBackState(
  path: string,
  accountId: string,
  fields: Record<string, unknown>,
): Promise<void> {
  return serialize(path, async () => {
    let release: (() => Promise<void>) | undefined;
    try {
      // Other processes write other accounts' entries into the same file: read-modify-write under a lock.
      release = await lockStateFile(path);
      const file = await readStateFile(path);
      const entry = file[accountId];
      file[accountId] = { ...(isRecord(entry) ? entry : {}), ...fields };
      await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      throw refreshError(
        "REFRESH_STATE_WRITE",
        `could not save rotated fields (${Object.keys(fields).join(", ")}) for "${accountId}" to stateFile ${path}: ${(error as Error).message}. The new token was not used; fix the file's location or permissions.`,
        { cause: error },
      );
    } finally {
      await release?.().catch(() => undefined);
    }
  });
}
