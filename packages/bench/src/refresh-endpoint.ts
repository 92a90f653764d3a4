import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the endpoint answers: a token, HTTP 500, never (a timeout), or a body that is not JSON. */
/** "slow": answers correctly after `slowMs` (default 2500 ms), like an auth service under load. */
export type RefreshBehaviour = "ok" | "500" | "timeout" | "bad-json" | "slow";

/** A literal admin-like credential the refresh config sends as a header: it must never be logged. */
export const ADMIN_HEADER_SECRET = "ADMIN-SECRET-literal-header-0042";

/**
 * A real token refresh endpoint on loopback (`POST /refresh/<accountId>` → `{"token": …}`) whose
 * behaviour a fault scenario can switch, counting every call per account. Its 500 page echoes the
 * request's URL and headers, as real error pages sometimes do, so a leak of anything sent shows.
 */
export async function startRefreshEndpoint(mint: (accountId: string) => string) {
  const calls: string[] = [];
  const hanging = new Set<ServerResponse>();
  let behaviour: RefreshBehaviour = "ok";
  let slowMs = 2500;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const accountId = decodeURIComponent(
        new URL(req.url ?? "/", "http://x").pathname.split("/").pop() ?? "",
      );
      calls.push(accountId);
      if (behaviour === "timeout") {
        hanging.add(res);
        return;
      }
      if (behaviour === "500") {
        const echo = { error: "auth backend down", url: req.url, headers: req.headers };
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify(echo));
        return;
      }
      if (behaviour === "bad-json") {
        res.writeHead(200, { "content-type": "application/json" }).end("<html>gateway error</html>");
        return;
      }
      const answer = () => {
        let token: string;
        try {
          token = mint(accountId);
        } catch {
          res.writeHead(404, { "content-type": "application/json" }).end('{"error":"unknown account"}');
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
      };
      if (behaviour === "slow") setTimeout(answer, slowMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/refresh/{accountId}`,
    calls,
    callsFor: (accountId: string) => calls.filter((c) => c === accountId).length,
    setBehaviour(next: RefreshBehaviour, options: { slowMs?: number } = {}) {
      behaviour = next;
      slowMs = options.slowMs ?? 2500;
      if (next !== "timeout") for (const res of hanging) res.destroy();
      if (next !== "timeout") hanging.clear();
    },
    /**
     * The `tokenRefresh` block that points at this endpoint. With a state file, each account's
     * `{state.rt}` goes into the URL query and `{state.client}` into a header (secrets by substitution,
     * whatever their names), next to a literal admin-like header.
     */
    tokenRefresh: (timeoutMs = 3000, markerDir?: string, stateFile?: string) => ({
      mode: "http" as const,
      ...(markerDir ? { manualLoginMarkerPath: `${markerDir}/manual-login.json` } : {}),
      http: {
        endpoint: `http://127.0.0.1:${port}/refresh/{accountId}${stateFile ? "?rt={state.rt}" : ""}`,
        responseTokenPath: "token",
        timeoutMs,
        ...(stateFile
          ? { stateFile, headers: { "x-client": "{state.client}", "x-admin": ADMIN_HEADER_SECRET } }
          : {}),
      },
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type RefreshEndpoint = Awaited<ReturnType<typeof startRefreshEndpoint>>;
