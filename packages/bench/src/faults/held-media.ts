import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback file server whose first request for each path never gets an answer: the plugin
 * downloads inbound attachments after it journaled the message and before it hands the turn to
 * OpenClaw, so a message whose file is "downloading" sits exactly between admission and dispatch.
 * Later requests for the same path (the replay after a restart) are answered at once.
 */
export async function startHeldMedia() {
  const requests: string[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    const first = !requests.includes(path);
    requests.push(path);
    if (first) {
      held.push(res);
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(`contents of ${path}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** On 127.0.0.1 like the devserver, so the plugin's media guard trusts it as the OpenIM host. */
    url: (name: string) => `http://127.0.0.1:${port}/${name}`,
    /** How many times `name` was requested. */
    requested: (name: string) => requests.filter((p) => p === `/${name}`).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
