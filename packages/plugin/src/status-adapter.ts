import { readFileSync } from "node:fs";
import { markerPathFor, tokenExpiresAt } from "@multi-openim/core";
import { checkTokenOverRest } from "multi-openim";
import type { PluginAccount } from "./accounts.js";
import type { ChannelConfigReader } from "./config.js";
import type { AccountRegistry } from "./registry.js";
import { collectStatusIssues, type OpenimStatusFacts, type StatusSnapshot } from "./status-issues.js";

/** What `probeAccount` returns: OpenClaw shows `error` of a failed probe as the account's lastError. */
export type ProbeResult =
  | { ok: true; userID: string; elapsedMs: number }
  | { ok: false; kind: string; error: string; elapsedMs?: number };

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

  const buildAccountSnapshot = (params: {
    account: PluginAccount;
    cfg: unknown;
    runtime?: Record<string, unknown>;
    probe?: unknown;
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
      openim: facts,
    };
  };

  return {
    probeAccount,
    buildAccountSnapshot,
    collectStatusIssues: (accounts: StatusSnapshot[]) => collectStatusIssues(accounts),
  };
}
