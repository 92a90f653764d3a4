import { createApiHandler, type Route } from "./api.js";
import { ServerContext } from "./context.js";
import { handleControlHttp } from "./control-http.js";
import { createControls, type DevServerControls } from "./controls.js";
import { DevServerError } from "./errors.js";
import { Gateway } from "./gateway.js";
import { Listeners } from "./listening.js";
import { handleObjectHttp, objectRoutes } from "./objects.js";
import { adminRoutes } from "./routes-admin.js";
import { conversationRoutes } from "./routes-conversation.js";
import { groupRoutes } from "./routes-group.js";
import { revokeRoutes } from "./routes-revoke.js";
import { userRoutes } from "./routes-user.js";
import { DevState } from "./state.js";
import { TokenRegistry } from "./tokens.js";

export type { TokenControlOptions } from "./controls.js";

export interface DevServerOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** WebSocket gateway port; 0 (default) picks a free one. */
  wsPort?: number;
  /** REST API port; 0 (default) picks a free one. */
  apiPort?: number;
  /** JWT / admin secret; default "openIM123" like a stock server. */
  secret?: string;
  /** Users that may get admin tokens with the secret; default ["imAdmin"]. */
  adminUserIDs?: string[];
}

export interface DevServer extends DevServerControls {
  readonly wsAddr: string;
  readonly apiAddr: string;
  readonly secret: string;
  /** Closes both listeners and opens them again on the same ports; state and tokens are kept. */
  restart(): Promise<void>;
  /** Waits briefly for in-flight REST calls, drops every socket, frees the ports; pending waits reject. */
  close(): Promise<void>;
}

const ROUTES: Record<string, Route> = {
  ...userRoutes,
  ...groupRoutes,
  ...revokeRoutes,
  ...conversationRoutes,
  ...adminRoutes,
  ...objectRoutes,
};

/** Starts one independent OpenIM stand-in (own ports, users, tokens and secret). */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? "127.0.0.1";
  const secret = options.secret ?? "openIM123";
  const ctx = new ServerContext(
    new DevState(),
    new TokenRegistry(secret),
    secret,
    options.adminUserIDs ?? ["imAdmin"],
  );
  const gw = new Gateway(ctx);
  const controls = createControls(ctx, gw);
  let closed = false;
  const api = createApiHandler(
    ctx,
    gw,
    ROUTES,
    async (req, res, raw, url) =>
      (await handleObjectHttp(ctx, req, res, raw, url)) ||
      (await handleControlHttp(server, req, res, raw, url)),
  );
  const listeners = new Listeners(ctx, gw, (req, res) => void api(req, res), host);
  await listeners.open(options.wsPort ?? 0, options.apiPort ?? 0);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  ctx.wsAddr = `ws://${urlHost}:${listeners.wsPort}`;
  ctx.apiAddr = `http://${urlHost}:${listeners.apiPort}`;

  // Extends the controls object itself, so its counters / unknownRoutes getters stay live.
  const server: DevServer = Object.defineProperties(controls as unknown as DevServer, {
    wsAddr: { value: ctx.wsAddr, enumerable: true },
    apiAddr: { value: ctx.apiAddr, enumerable: true },
    secret: { value: secret, enumerable: true },
    restart: {
      value: async () => {
        if (closed) throw new DevServerError("DEVSERVER_CLOSED", "restart: the server is closed");
        await listeners.restart();
      },
    },
    close: {
      value: async () => {
        if (closed) return;
        closed = true;
        controls.cancelWaits();
        await listeners.stop();
        gw.wss.close();
      },
    },
  });
  return server;
}
