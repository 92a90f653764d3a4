import type { StoreConfig } from "@multi-openim/core";

/** Why a connection test failed; each maps to one fix the user can make. */
export type ConnectionFailureReason =
  | "unreachable"
  | "swapped-ports"
  | "not-openim"
  | "token-expired"
  | "token-invalid"
  | "kicked"
  | "timeout"
  | "login-failed"
  | "held";

export type ConnectionResult =
  | { ok: true; userID: string }
  | { ok: false; reason: ConnectionFailureReason; message: string };

/** The account as the connection test needs it (already resolved: userID and platformID known). */
export interface ConnectionAccount {
  accountId: string;
  token: string;
  wsAddr: string;
  apiAddr: string;
  userID: string;
  platformID: number;
}

export interface ConnectionTestOptions {
  /** The whole test, login included. Default 15000. */
  timeoutMs?: number;
  /**
   * The login holds the account's lease (as the gateway and multi-openim-mcp do), so a running holder is
   * named instead of kicked. `store` is the channel's (Redis: the fleet's leases); the file leases live
   * under `stateDir` (default the OpenClaw state dir).
   */
  lease?: { store?: StoreConfig; stateDir?: string };
}

export type ConnectionTester = (
  account: ConnectionAccount,
  options?: ConnectionTestOptions,
) => Promise<ConnectionResult>;

/** The next step for each reason, shown under the failure. */
export const CONNECTION_FIXES: Record<ConnectionFailureReason, string> = {
  unreachable: "check --ws and --api (host, port, scheme) and that the OpenIM server is running",
  "swapped-ports":
    "swap the two addresses: --ws takes the WebSocket port (usually 10001), --api the REST port (usually 10002)",
  "not-openim":
    "check --api: it must be OpenIM's REST API (scheme, host and port, usually 10002), not the WebSocket or a web page",
  "token-expired":
    "get a fresh token from your OpenIM server (or configure tokenRefresh) and run setup again",
  "token-invalid": "the server rejected the token: check it belongs to this server and was copied whole",
  kicked:
    "another login with this account and platform took over: use another platformID or stop the other client",
  timeout: "the server did not answer in time: check the addresses, or raise --test-timeout-ms",
  "login-failed": "the server refused the login: see the message above",
  held: "a running process holds this account and a second login would kick it: stop that process first (or send through it as shown), or pass --skip-test",
};
