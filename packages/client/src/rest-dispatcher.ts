/**
 * The SDK's REST calls use the global `fetch`, whose dispatcher keeps one pool per origin with no limit
 * on connections: every login fires ~8 requests at once, so a thousand accounts on five servers opened
 * thousands of sockets, and undici's pool scans all of its clients for each new request (a CPU profile
 * of 1,000 accounts connecting: ~9 % of all CPU in PoolBase / Pool dispatch, growing with the square of
 * the accounts). Our own agent of the same (Node's) undici, with a bounded pool per origin, queues them.
 */
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");
export const REST_CONNECTIONS_PER_ORIGIN = 16;

let agent: object | null | undefined;

/** The bounded agent, or undefined until Node's fetch has made its own (we copy its class). */
function restAgent(): object | undefined {
  if (agent !== undefined) return agent ?? undefined;
  const global = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as
    | { constructor?: new (options: object) => object }
    | undefined;
  if (typeof global?.constructor !== "function") return undefined; // no fetch yet: try on the next call
  try {
    agent = new global.constructor({ connections: REST_CONNECTIONS_PER_ORIGIN });
  } catch {
    agent = null; // a Node whose dispatcher takes other options: keep the default
  }
  return agent ?? undefined;
}

/**
 * Runs `call` (which starts its fetches synchronously, as the SDK's `sendHttpRequest` does) with the
 * global `fetch` routed through the bounded agent. The swap lasts only for the synchronous part of the
 * call: no other code can run in between, so the host process's own fetches keep its dispatcher.
 */
export function withRestAgent<T>(call: () => T): T {
  const dispatcher = restAgent();
  const fetch = globalThis.fetch;
  if (!dispatcher || typeof fetch !== "function") return call();
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    fetch(input, { ...init, dispatcher } as RequestInit)) as typeof fetch;
  try {
    return call();
  } finally {
    globalThis.fetch = fetch;
  }
}
