import { unlink } from "node:fs/promises";
import { writeFileAtomic } from "@multi-openim/core";
import type { SecretRegistry } from "./secrets.js";

/** What a manual-login marker holds: enough for a human to act on, never a secret. */
export interface ManualLoginMarker {
  accountId: string;
  reason: string;
  /** ISO time of the failure. */
  at: string;
  lastError: { code: string; message: string };
  hint: string;
}

/** Writes the per-account marker atomically; every string is passed through the secret registry first. */
export async function writeMarker(
  path: string,
  marker: Omit<ManualLoginMarker, "hint">,
  secrets: SecretRegistry,
): Promise<void> {
  // Fields are redacted before JSON escaping, so a secret containing quotes is still found.
  const full: ManualLoginMarker = {
    accountId: marker.accountId,
    reason: secrets.redact(marker.reason),
    at: marker.at,
    lastError: { code: marker.lastError.code, message: secrets.redact(marker.lastError.message) },
    hint: `Token refresh for "${marker.accountId}" failed; log in again and update its token, or fix tokenRefresh. This file is removed on the next successful refresh.`,
  };
  await writeFileAtomic(path, `${secrets.redact(JSON.stringify(full, null, 2))}\n`, { mode: 0o600 });
}

/** Removes a file if it is there; a missing file is the expected case, not an error. */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
