import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the endpoint answers: a token, HTTP 500, never (a timeout), or a body that is not JSON. */
export type RefreshBehaviour = "ok" | "500" | "timeout" | "bad-json";

/**
 * A real token refresh endpoint on loopback (`POST /refresh/<accountId>` → `{"token": …}`) whose
 * behaviour a fault scenario can switch, counting every call per account.
 */
export async function startRefreshEndpoint(mint: (accountId: string) => string) {
  const calls: string[] = [];
  const hanging = new Set<ServerResponse>();
  let behaviour: RefreshBehaviour = "ok";
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const accountId = decodeURIComponent(req.url?.split("/").pop() ?? "");
      calls.push(accountId);
      if (behaviour === "timeout") {
        hanging.add(res);
        return;
      }
      if (behaviour === "500") {
        res.writeHead(500, { "content-type": "application/json" }).end('{"error":"auth backend down"}');
        return;
      }
      if (behaviour === "bad-json") {
        res.writeHead(200, { "content-type": "application/json" }).end("<html>gateway error</html>");
        return;
      }
      let token: string;
      try {
        token = mint(accountId);
      } catch {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"unknown account"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/refresh/{accountId}`,
    calls,
    callsFor: (accountId: string) => calls.filter((c) => c === accountId).length,
    setBehaviour(next: RefreshBehaviour) {
      behaviour = next;
      if (next !== "timeout") for (const res of hanging) res.destroy();
      if (next !== "timeout") hanging.clear();
    },
    /** The `tokenRefresh` block that points at this endpoint. */
    tokenRefresh: (timeoutMs = 3000, markerDir?: string) => ({
      mode: "http" as const,
      ...(markerDir ? { manualLoginMarkerPath: `${markerDir}/manual-login.json` } : {}),
      http: {
        endpoint: `http://127.0.0.1:${port}/refresh/{accountId}`,
        responseTokenPath: "token",
        timeoutMs,
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
