import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { markerPathFor, redactSecrets, tokenExpiresAt } from "@multi-openim/core";
import { checkTokenOverRest } from "multi-openim";
import type { PluginAccount } from "./accounts.js";
import type { ChannelConfigReader } from "./config.js";
import type { AccountRegistry } from "./registry.js";
import { collectStatusIssues, type OpenimStatusFacts, type StatusSnapshot } from "./status-issues.js";

/** What `probeAccount` returns: OpenClaw shows `error` of a failed probe as the account's lastError. */
export type ProbeResult =
  | { ok: true; userID: string; elapsedMs: number }
  | { ok: false; kind: string; error: string; elapsedMs?: number };

/**
 * What `auditAccount` returns: the groups named in the account's config (`groups.<groupID>`, channel-level
 * or its own) checked against the groups the bot has joined, over REST with its token.
 */
export type AuditResult =
  | { ok: true; checkedGroups: number; groupsNotJoined: string[]; elapsedMs: number }
  | { ok: false; error: string; elapsedMs: number };

/** Group ids named in the config for this account (the "*" default names none). */
export function configuredGroupIds(account: PluginAccount): string[] {
  const channel = account.channel as
    | { groups?: Record<string, unknown>; accounts?: Record<string, unknown> }
    | undefined;
  const own = (channel?.accounts?.[account.accountId] as { groups?: Record<string, unknown> } | undefined)
    ?.groups;
  return [...new Set([...Object.keys(channel?.groups ?? {}), ...Object.keys(own ?? {})])].filter(
    (id) => id !== "*",
  );
}

async function joinedGroupIds(
  resolved: { apiAddr: string; token: string; userID: string },
  timeoutMs: number,
): Promise<Set<string>> {
  const joined = new Set<string>();
  const pageSize = 500;
  for (let pageNumber = 1; pageNumber <= 20; pageNumber++) {
    const response = await fetch(`${resolved.apiAddr.replace(/\/+$/, "")}/group/get_joined_group_list`, {
      method: "POST",
      headers: { "content-type": "application/json", token: resolved.token, operationID: randomUUID() },
      body: JSON.stringify({ fromUserID: resolved.userID, pagination: { pageNumber, showNumber: pageSize } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as {
      errCode?: number;
      errMsg?: string;
      data?: { total?: number; groups?: { groupID?: string }[] };
    };
    if (body.errCode !== 0)
      throw new Error(
        `get_joined_group_list: errCode ${body.errCode ?? response.status} ${body.errMsg ?? ""}`.trim(),
      );
    const groups = body.data?.groups ?? [];
    for (const g of groups) if (g.groupID) joined.add(g.groupID);
    if (groups.length < pageSize || joined.size >= (body.data?.total ?? 0)) break;
  }
  return joined;
}

function readMarker(path: string): OpenimStatusFacts["marker"] {
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as { at?: string; lastError?: { code?: string } };
    return {
      ...(data.lastError?.code ? { code: data.lastError.code } : {}),
      ...(data.at ? { at: data.at } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * OpenClaw's status adapter (`openclaw channels status --probe`, `openclaw status --deep`). The probe is
 * one REST call with the account's token — never a second WebSocket login, which on a real OpenIM server
 * kicks the gateway's own session on the same platform. The snapshot runs in the gateway, so it also reads
 * the live client from the process-wide registry.
 */
export function createStatusAdapter(deps: { registry: AccountRegistry; reader: ChannelConfigReader }) {
  const probeAccount = async (params: {
    account: PluginAccount;
    timeoutMs: number;
  }): Promise<ProbeResult> => {
    const resolved = params.account.resolved;
    if (!resolved) return { ok: false, kind: "config", error: params.account.reason ?? "not configured" };
    const started = Date.now();
    const timeoutMs = Math.max(1000, Math.min(params.timeoutMs || 10_000, 15_000));
    const result = await checkTokenOverRest(resolved, timeoutMs);
    const elapsedMs = Date.now() - started;
    if (result.ok) return { ok: true, userID: resolved.userID, elapsedMs };
    return { ok: false, kind: result.kind, error: result.message, elapsedMs };
  };

  /**
   * OpenClaw runs this after a successful probe (`channels status --probe`, `status --deep`), like the
   * bundled Telegram channel's group-membership audit: a group configured by id that the bot never joined
   * is silent, not broken, so nothing else would tell. Skipped when no group is named or the probe failed.
   */
  const auditAccount = async (params: {
    account: PluginAccount;
    timeoutMs: number;
    probe?: unknown;
  }): Promise<AuditResult | undefined> => {
    const resolved = params.account.resolved;
    const groups = configuredGroupIds(params.account);
    if (!resolved || groups.length === 0 || (params.probe as ProbeResult | undefined)?.ok !== true)
      return undefined;
    const started = Date.now();
    const timeoutMs = Math.max(1000, Math.min(params.timeoutMs || 10_000, 15_000));
    try {
      const joined = await joinedGroupIds(resolved, timeoutMs);
      return {
        ok: true,
        checkedGroups: groups.length,
        groupsNotJoined: groups.filter((id) => !joined.has(id)),
        elapsedMs: Date.now() - started,
      };
    } catch (error) {
      return {
        ok: false,
        error: redactSecrets((error as Error).message, [resolved.token]),
        elapsedMs: Date.now() - started,
      };
    }
  };

  const buildAccountSnapshot = (params: {
    account: PluginAccount;
    cfg: unknown;
    runtime?: Record<string, unknown>;
    probe?: unknown;
    audit?: unknown;
  }): StatusSnapshot & Record<string, unknown> => {
    const { account } = params;
    const id = account.accountId;
    const state = deps.reader.read(params.cfg);
    const raw = state.config?.accounts[id] as { dmPolicy?: string; allowFrom?: string[] } | undefined;
    const channelLevel = state.config as { dmPolicy?: string; allowFrom?: string[] } | null;
    const facts: OpenimStatusFacts = {};
    const listed = state.listed.includes(id);
    if (listed && !account.configured && account.reason && !account.reason.startsWith("disabled"))
      facts.droppedReason = account.reason;
    const tokenRefresh = account.channel?.tokenRefresh;
    if (tokenRefresh?.mode) facts.refreshMode = tokenRefresh.mode;
    if (account.resolved) {
      const exp = tokenExpiresAt(account.resolved.token);
      if (exp !== undefined) facts.tokenExpiresAt = exp;
      facts.markerPath = markerPathFor(tokenRefresh?.manualLoginMarkerPath, id);
      const marker = readMarker(facts.markerPath);
      if (marker) facts.marker = marker;
    }
    const live = deps.registry.get(id)?.client.status();
    const runtime = params.runtime ?? {};
    if (live?.running && !live.connected) {
      const since = Math.max(
        live.lastConnectedAt ?? 0,
        live.lastTransportActivityAt ?? 0,
        Number(runtime.lastStartAt ?? 0) || 0,
      );
      if (since > 0) facts.disconnectedForMs = Date.now() - since;
    }
    const audit = params.audit as AuditResult | undefined;
    if (audit?.ok && audit.groupsNotJoined.length > 0) facts.groupsNotJoined = audit.groupsNotJoined;
    const dmPolicy = raw?.dmPolicy ?? channelLevel?.dmPolicy;
    const allowFrom = raw?.allowFrom ?? channelLevel?.allowFrom;
    // OpenClaw merges published statuses, so a statusState from an earlier publish can outlive the
    // state it described: in the gateway the live client is the truth.
    const liveFacts = live
      ? {
          running: live.running,
          connected: live.connected,
          statusState:
            live.auth === "needs-login"
              ? "needs-login"
              : live.auth === "refreshing"
                ? "refreshing-token"
                : "ok",
        }
      : {};
    return {
      ...runtime,
      ...liveFacts,
      accountId: id,
      enabled: account.enabled,
      configured: account.configured,
      ...(account.reason && !account.configured ? { lastError: account.reason } : {}),
      ...(live ? { reconnectAttempts: live.reconnects } : {}),
      ...(dmPolicy ? { dmPolicy } : {}),
      ...(allowFrom ? { allowFrom: [...allowFrom] } : {}),
      ...(params.probe !== undefined ? { probe: params.probe } : {}),
      ...(params.audit !== undefined ? { audit: params.audit } : {}),
      openim: facts,
    };
  };

  return {
    probeAccount,
    auditAccount,
    buildAccountSnapshot,
    collectStatusIssues: (accounts: StatusSnapshot[]) => collectStatusIssues(accounts),
  };
}
