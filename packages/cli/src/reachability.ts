import net from "node:net";
import type { ConnectionResult } from "./connection-types.js";

const DEFAULT_PORTS: Record<string, number> = { "ws:": 80, "wss:": 443, "http:": 80, "https:": 443 };

/** Opens (and closes) one TCP connection; resolves to null when it worked, else why not. */
function tcpProbe(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ timeout: boolean; message: string } | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: { timeout: boolean; message: string } | null) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ timeout: true, message: `no answer within ${timeoutMs} ms` }));
    socket.once("connect", () => done(null));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      done({ timeout: false, message: error.code ?? error.message }),
    );
  });
}

/**
 * Checks that both addresses accept TCP connections before logging in, so "server down / wrong port" is
 * reported as unreachable with the address at fault rather than as a vague login failure.
 */
export async function checkReachable(
  addresses: { wsAddr: string; apiAddr: string },
  timeoutMs: number,
): Promise<Extract<ConnectionResult, { ok: false }> | null> {
  for (const [field, address] of [
    ["wsAddr", addresses.wsAddr],
    ["apiAddr", addresses.apiAddr],
  ] as const) {
    const url = new URL(address);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 80);
    const problem = await tcpProbe(host, port, timeoutMs);
    if (problem) {
      return {
        ok: false,
        reason: problem.timeout ? "timeout" : "unreachable",
        message: `${field} ${address} (${host}:${port}): ${problem.message}`,
      };
    }
  }
  return null;
}
