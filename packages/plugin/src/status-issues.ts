import { CHANNEL_ID } from "@multi-openim/core";

/** What `buildAccountSnapshot` adds under `openim` so the issues can be told apart from OpenClaw's generic ones. */
export interface OpenimStatusFacts {
  /** Core's reason when validation dropped the account (bad id, bad field, missing token …). */
  droppedReason?: string;
  /** The `exp` claim of the configured token, ms. */
  tokenExpiresAt?: number;
  refreshMode?: "http" | "hook" | "admin" | "off";
  /** The manual-login marker this account would get (written when refresh gave up). */
  markerPath?: string;
  /** The marker on disk, if any: why refresh gave up. */
  marker?: { code?: string; at?: string };
  /** Running but not connected for this long (ms). */
  disconnectedForMs?: number;
  /** From `auditAccount` (status --probe / --deep): groups named in the config the bot is not a member of. */
  groupsNotJoined?: string[];
}

/** The part of OpenClaw's ChannelAccountSnapshot the issues read. */
export interface StatusSnapshot {
  accountId: string;
  enabled?: boolean;
  configured?: boolean;
  running?: boolean;
  connected?: boolean;
  statusState?: string;
  lastError?: string | null;
  reconnectAttempts?: number;
  dmPolicy?: string;
  allowFrom?: string[];
  probe?: unknown;
  openim?: OpenimStatusFacts;
}

export interface StatusIssue {
  channel: string;
  accountId: string;
  kind: "intent" | "permissions" | "config" | "auth" | "runtime";
  message: string;
  fix?: string;
}

export const DAY_MS = 24 * 60 * 60_000;
/** Longer than OpenClaw's 2-minute reconnect grace and the SDK's reconnect waits. */
export const STALL_AFTER_MS = 3 * 60_000;

const loginCommand = (id: string) => `openclaw channels login --channel ${CHANNEL_ID} --account ${id}`;

function probeTokenError(probe: unknown): string | undefined {
  const p = probe as { ok?: boolean; kind?: string; error?: string } | undefined;
  return p?.ok === false && p.kind === "token" ? p.error : undefined;
}

/** Every problem an operator must act on, each with its fix; nothing for a healthy account. */
export function collectStatusIssues(accounts: StatusSnapshot[], now: number = Date.now()): StatusIssue[] {
  const issues: StatusIssue[] = [];
  for (const a of accounts) {
    const facts = a.openim ?? {};
    const add = (kind: StatusIssue["kind"], message: string, fix: string) =>
      issues.push({ channel: CHANNEL_ID, accountId: a.accountId, kind, message, fix });
    if (facts.droppedReason?.startsWith("missing token")) {
      add(
        "auth",
        "logged out: the account has no token",
        `${loginCommand(a.accountId)} (paste a fresh token)`,
      );
      continue;
    }
    if (facts.droppedReason) {
      add(
        "config",
        `account dropped by validation: ${facts.droppedReason}`,
        `fix channels.${CHANNEL_ID}.accounts.${a.accountId} (openclaw ${CHANNEL_ID} validate lists every problem)`,
      );
      continue;
    }
    if (a.enabled === false) continue;
    const tokenError = probeTokenError(a.probe);
    // A connected account's token works, whatever an older published state said.
    const needsLogin = (a.statusState === "needs-login" && a.connected !== true) || tokenError !== undefined;
    if (needsLogin) {
      const why = tokenError ?? a.lastError ?? "the token was refused and refresh gave up";
      const marker = facts.marker && facts.markerPath ? `; manual-login marker ${facts.markerPath}` : "";
      add(
        "auth",
        `needs a new login: ${why}${marker}`,
        `${loginCommand(a.accountId)} (paste a fresh token), or configure tokenRefresh so it renews itself`,
      );
    }
    if (facts.marker?.code === "REFRESH_CIRCUIT_OPEN" || /REFRESH_CIRCUIT_OPEN/.test(a.lastError ?? "")) {
      add(
        "runtime",
        "token refresh is paused: the circuit opened after failed refreshes in a row",
        `check tokenRefresh (endpoint, credentials); refresh resumes by itself after the pause, or ${loginCommand(a.accountId)}`,
      );
    }
    const left = facts.tokenExpiresAt !== undefined ? facts.tokenExpiresAt - now : undefined;
    if (!needsLogin && facts.refreshMode === "off" && left !== undefined && left < DAY_MS) {
      const when = new Date(facts.tokenExpiresAt as number).toISOString();
      add(
        "auth",
        `token ${left <= 0 ? "expired" : "expires"} at ${when} and tokenRefresh.mode is "off": nothing will renew it`,
        `${loginCommand(a.accountId)} with a fresh token, or set tokenRefresh.mode to "http"`,
      );
    }
    if (!needsLogin && a.running && !a.connected && (facts.disconnectedForMs ?? 0) >= STALL_AFTER_MS) {
      const minutes = Math.round((facts.disconnectedForMs as number) / 60_000);
      const last = a.lastError ? `; last error: ${a.lastError}` : "";
      add(
        "runtime",
        `not connected for ${minutes} min (${a.reconnectAttempts ?? 0} reconnects)${last}`,
        `check that the OpenIM server at the account's wsAddr is up and reachable; openclaw channels logs --channel ${CHANNEL_ID}`,
      );
    }
    if (facts.groupsNotJoined?.length) {
      const ids = facts.groupsNotJoined;
      add(
        "config",
        `configured for group${ids.length > 1 ? "s" : ""} ${ids.join(", ")}, which the bot has not joined: nothing from ${ids.length > 1 ? "them" : "it"} reaches the agent`,
        `add the bot's user to ${ids.length > 1 ? "those groups" : "that group"} in OpenIM, or remove the entr${ids.length > 1 ? "ies" : "y"} from channels.${CHANNEL_ID}.accounts.${a.accountId}.groups`,
      );
    }
    if (a.dmPolicy === "open" || a.allowFrom?.includes("*")) {
      add(
        "config",
        "anyone who can reach this OpenIM account can talk to the agent (dmPolicy open / allowFrom *)",
        `set dmPolicy: "pairing" (or "allowlist" with allowFrom) on channels.${CHANNEL_ID}.accounts.${a.accountId}`,
      );
    }
  }
  return issues;
}
