import { connect } from "node:net";
import type { LoginOutcome } from "./session.js";

const DEFAULT_PORTS: Record<string, number> = { "ws:": 80, "wss:": 443 };
const PROBE_MS = 3000;

/**
 * The SDK reports a socket that never opened as "errCode=10000 network error", without the cause. One
 * TCP connection to wsAddr finds it (ECONNREFUSED, ENOTFOUND, a timeout), so the account's log and
 * status say why, e.g. "network error (wsAddr ws://127.0.0.1:1 (127.0.0.1:1): ECONNREFUSED)".
 */
export async function withNetworkReason(outcome: LoginOutcome, wsAddr: string): Promise<LoginOutcome> {
  if (outcome.kind !== "failed" || outcome.errMsg !== "network error") return outcome;
  const reason = await probe(wsAddr);
  return reason ? { ...outcome, errMsg: `${outcome.errMsg} (wsAddr ${wsAddr} ${reason})` } : outcome;
}

/** Why a TCP connection to the address fails, or undefined when it opens (the cause lies elsewhere). */
function probe(address: string): Promise<string | undefined> {
  let host: string;
  let port: number;
  try {
    const url = new URL(address);
    host = url.hostname.replace(/^\[|\]$/g, "");
    port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 80);
  } catch {
    return Promise.resolve("is not a valid URL");
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(PROBE_MS, () => done(`(${host}:${port}): no answer within ${PROBE_MS} ms`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      done(`(${host}:${port}): ${error.code ?? error.message}`),
    );
  });
}
