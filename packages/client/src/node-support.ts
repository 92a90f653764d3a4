import { MultiOpenimError } from "@multi-openim/core";

/**
 * The OpenIM SDK connects with the global WebSocket, which Node has from 22 on. Without it every login
 * fails with the SDK's "errCode=10000 WebSocket is not supported", which reads like the server's doing:
 * say it is this Node, and what to do, before anything is sent.
 */
export function missingWebSocketError(): MultiOpenimError | undefined {
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function") return undefined;
  return new MultiOpenimError(
    "LOGIN_FAILED",
    `[client] this Node (${process.version}) has no global WebSocket, which the OpenIM SDK needs: run with Node 22 or newer (nothing was sent to the server)`,
  );
}
