import { chmod, readdir, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import {
  CHANNEL_ID,
  expandHome,
  markerPathFor,
  resolveAccounts,
  validateChannelConfig,
} from "@multi-openim/core";
import { checkTokenOverRest } from "multi-openim";
import { channelBlockOf } from "./config.js";

type Json = Record<string, unknown>;
export interface DoctorNotes {
  changeNotes: string[];
  warningNotes: string[];
}

/** All `<base>.<accountId><ext>` markers next to the configured template, by account id. */
async function markersOnDisk(template: string | undefined): Promise<Map<string, string>> {
  const sample = markerPathFor(template, "x");
  const ext = extname(sample);
  const prefix = `${basename(sample, `.x${ext}`)}.`;
  const found = new Map<string, string>();
  const names = await readdir(dirname(sample)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(ext)) continue;
    const id = name.slice(prefix.length, name.length - ext.length);
    if (id) found.set(id, join(dirname(sample), name));
  }
  return found;
}

/**
 * Manual-login markers whose account no longer exists, is disabled, or has recovered (its configured
 * token is accepted by its server now: one REST call, no login). `--fix` deletes them.
 */
export async function staleMarkers(cfg: unknown, repair: boolean): Promise<DoctorNotes> {
  const notes: DoctorNotes = { changeNotes: [], warningNotes: [] };
  const block = channelBlockOf(cfg);
  if (block === undefined) return notes;
  const { config } = validateChannelConfig(block);
  const template = config?.tokenRefresh?.manualLoginMarkerPath;
  const running = new Map((config ? resolveAccounts(config).accounts : []).map((a) => [a.accountId, a]));
  for (const [id, path] of await markersOnDisk(template)) {
    const account = running.get(id);
    let why: string | undefined;
    if (!config?.accounts[id]) why = `account "${id}" is no longer configured`;
    else if (!account) why = `account "${id}" is disabled or not runnable`;
    else if ((await checkTokenOverRest(account, 5000)).ok) why = `account "${id}" has a working token again`;
    if (!why) continue;
    if (repair) {
      await rm(path, { force: true });
      notes.changeNotes.push(`removed stale manual-login marker ${path} (${why})`);
    } else
      notes.warningNotes.push(
        `- stale manual-login marker ${path}: ${why}; "openclaw doctor --fix" removes it`,
      );
  }
  return notes;
}

/** The config and the files holding tokens (refresh state) must not be readable by other users. */
export async function checkFileModes(
  cfg: unknown,
  configPath: string,
  repair: boolean,
): Promise<DoctorNotes> {
  const notes: DoctorNotes = { changeNotes: [], warningNotes: [] };
  const refresh = (channelBlockOf(cfg) as Json | undefined)?.tokenRefresh as Json | undefined;
  const stateFile = (refresh?.http as Json | undefined)?.stateFile;
  const files: [string, string][] = [[configPath, "the OpenClaw config (holds the account tokens)"]];
  if (typeof stateFile === "string")
    files.push([expandHome(stateFile), `tokenRefresh state file of ${CHANNEL_ID}`]);
  for (const [file, what] of files) {
    const mode = await stat(file).then(
      (s) => s.mode & 0o777,
      () => undefined,
    );
    if (mode === undefined || (mode & 0o077) === 0) continue;
    const shown = mode.toString(8).padStart(3, "0");
    if (repair) {
      await chmod(file, 0o600);
      notes.changeNotes.push(`${file} (${what}) was readable by others (mode ${shown}); set to 600`);
    } else
      notes.warningNotes.push(
        `- ${file} (${what}) is readable by others (mode ${shown}): chmod 600 ${file} (or openclaw doctor --fix)`,
      );
  }
  return notes;
}
