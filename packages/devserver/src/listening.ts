import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerContext } from "./context.js";
import type { Gateway } from "./gateway.js";

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish (bounded), then cuts what is left. */
async function shut(server: Server, busy: () => boolean): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (let waited = 0; busy() && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  server.closeAllConnections();
  await closed;
}

/**
 * The SDK fires REST calls it never awaits: cutting one mid-flight is an unhandled rejection in the client's
 * process. So wait (at most 1 s) for 100 ms without requests before closing the sockets.
 */
async function waitQuiet(ctx: ServerContext): Promise<void> {
  const total = () => Object.values(ctx.counters.requests).reduce((a, b) => a + b, 0);
  let last = total();
  let quietSince = Date.now();
  for (const start = Date.now(); Date.now() - start < 1000; ) {
    await new Promise((r) => setTimeout(r, 20));
    if (total() !== last || ctx.inflight > 0) {
      last = total();
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 100) return;
  }
}

/** The two listening sockets of one server (gateway, API), which restart() re-opens on the same ports. */
export class Listeners {
  private ws: Server;
  private api: Server;
  wsPort = 0;
  apiPort = 0;

  constructor(
    private readonly ctx: ServerContext,
    private readonly gw: Gateway,
    private readonly apiHandler: RequestListener,
    private readonly host: string,
  ) {
    [this.ws, this.api] = this.create();
  }

  private create(): [Server, Server] {
    const ws = createServer((_req, res) => res.writeHead(426).end("upgrade to websocket"));
    ws.on("upgrade", (req, socket, head) => this.gw.handleUpgrade(req, socket, head));
    return [ws, createServer(this.apiHandler)];
  }

  async open(wsPort: number, apiPort: number): Promise<void> {
    this.wsPort = await listen(this.ws, wsPort, this.host);
    this.apiPort = await listen(this.api, apiPort, this.host);
  }

  async stop(): Promise<void> {
    await waitQuiet(this.ctx);
    this.gw.drop();
    await Promise.all([shut(this.ws, () => false), shut(this.api, () => this.ctx.inflight > 0)]);
  }

  async restart(): Promise<void> {
    await this.stop();
    [this.ws, this.api] = this.create();
    await this.open(this.wsPort, this.apiPort);
  }
}
