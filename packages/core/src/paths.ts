import os from "node:os";
import path from "node:path";
import { assertValidAccountId } from "./account-id.js";
import { DEFAULT_MARKER_PATH } from "./constants.js";

export function expandHome(p: string, home = os.homedir()): string {
  if (p === "~") return home;
  if (p.startsWith("~/") || p.startsWith("~\\")) return path.join(home, p.slice(2));
  return p;
}

/** The per-account manual-login marker: the accountId goes before the extension, so N accounts get N files. */
export function markerPathFor(template: string | undefined, accountId: string): string {
  assertValidAccountId(accountId);
  const full = expandHome(template?.trim() || DEFAULT_MARKER_PATH);
  const ext = path.extname(full);
  const base = ext ? full.slice(0, -ext.length) : full;
  return `${base}.${accountId}${ext}`;
}

type Env = Record<string, string | undefined>;

/** OpenClaw's state dir: $OPENCLAW_STATE_DIR, else ~/.openclaw. */
export function resolveOpenClawStateDir(env: Env = process.env): string {
  const dir = env.OPENCLAW_STATE_DIR?.trim();
  return dir ? expandHome(dir) : expandHome("~/.openclaw");
}

/** OpenClaw's config file: $OPENCLAW_CONFIG_PATH, else $OPENCLAW_STATE_DIR/openclaw.json, else ~/.openclaw/openclaw.json. */
export function resolveOpenClawConfigPath(env: Env = process.env): string {
  const explicit = env.OPENCLAW_CONFIG_PATH?.trim();
  if (explicit) return expandHome(explicit);
  return path.join(resolveOpenClawStateDir(env), "openclaw.json");
}
