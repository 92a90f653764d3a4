import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A token refresh endpoint (`POST /refresh/<accountId>` → `{token}`) that counts its calls. */
export async function startRefreshServer(mint: (accountId: string) => string) {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const accountId = decodeURIComponent(req.url?.split("/").pop() ?? "");
      calls.push(accountId);
      try {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ token: mint(accountId) }));
      } catch {
        res.writeHead(404).end("{}");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/refresh/{accountId}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
