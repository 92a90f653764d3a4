import type { AccountStatus } from "./types.js";

/** The part of OpenClaw's ChannelAccountSnapshot this channel publishes through `setStatus`. */
export interface ChannelSnapshot {
  accountId: string;
  enabled: boolean;
  configured: boolean;
  running: boolean;
  connected: boolean;
  lastConnectedAt?: number | null;
  lastError?: string | null;
  lastInboundAt?: number | null;
  lastOutboundAt?: number | null;
  lastTransportActivityAt?: number | null;
  reconnectAttempts?: number;
  lifecycle?: "starting" | "ready" | "recovering" | "blocked" | "stopped";
  terminalDisconnect?: boolean;
  lastDisconnect?: { at: number; error?: string } | null;
  statusState?: string;
  /** Messages a catch-up left out by its bounds (catchUpMaxAgeMinutes / catchUpMaxMessages). */
  audit?: {
    skippedOnCatchUp?: number;
    /** Inbound messages whose dispatch failed for good; resubmit them (dead-letters.ts). */
    deadLetters?: number;
    lastDeadLetter?: { id: string; at: number; error: string };
  };
}

/**
 * Maps the client's status onto OpenClaw's snapshot. Transport activity is passed through so the
 * gateway's health monitor (stale after 30 min) does not restart an idle but healthy account; an
 * account that needs a new login is `blocked` + `terminalDisconnect`, which the monitor leaves alone
 * instead of restarting it into the same dead token.
 */
export function toChannelSnapshot(status: AccountStatus, now: number = Date.now()): ChannelSnapshot {
  const needsLogin = status.auth === "needs-login";
  const snapshot: ChannelSnapshot = {
    accountId: status.accountId,
    enabled: status.enabled,
    configured: true,
    running: status.running,
    connected: status.connected,
    lastError: status.lastError,
    reconnectAttempts: status.reconnects,
    statusState: needsLogin ? "needs-login" : status.auth === "refreshing" ? "refreshing-token" : undefined,
    lifecycle: needsLogin
      ? "blocked"
      : !status.running
        ? "stopped"
        : status.connected
          ? "ready"
          : status.lastConnectedAt
            ? "recovering"
            : "starting",
  };
  if (status.lastConnectedAt !== undefined) snapshot.lastConnectedAt = status.lastConnectedAt;
  if (status.lastInboundAt !== undefined) snapshot.lastInboundAt = status.lastInboundAt;
  if (status.lastOutboundAt !== undefined) snapshot.lastOutboundAt = status.lastOutboundAt;
  if (status.lastTransportActivityAt !== undefined)
    snapshot.lastTransportActivityAt = status.lastTransportActivityAt;
  if (needsLogin) snapshot.terminalDisconnect = true;
  if (status.skippedOnCatchUp) snapshot.audit = { skippedOnCatchUp: status.skippedOnCatchUp };
  // A drop starts OpenClaw's 2-minute reconnect grace instead of an immediate "disconnected" verdict.
  if (status.running && !status.connected && status.lastConnectedAt) {
    snapshot.lastDisconnect = { at: now, ...(status.lastError ? { error: status.lastError } : {}) };
  }
  if (snapshot.statusState === undefined) delete snapshot.statusState;
  return snapshot;
}
