import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiHandler, type Route } from "./api.js";
import type { SendContent } from "./content.js";
import { type DevServerCounters, ServerContext } from "./context.js";
import { handleControlHttp } from "./control-http.js";
import { DevServerError } from "./errors.js";
import { Gateway } from "./gateway.js";
import { sendAsUser, type Target } from "./messaging.js";
import { handleObjectHttp, objectRoutes } from "./objects.js";
import { adminRoutes } from "./routes-admin.js";
import { conversationRoutes } from "./routes-conversation.js";
import { createGroupIn, groupRoutes } from "./routes-group.js";
import { userRoutes } from "./routes-user.js";
import { type DevGroup, type DevMessage, DevState, type DevUser } from "./state.js";
import { type MintOptions, TokenRegistry } from "./tokens.js";

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

/** Which tokens a token control applies to; by default all of the user's, and their sockets are dropped. */
export interface TokenControlOptions {
  platformID?: number;
  token?: string;
  /** Drop the user's sockets so the SDK reconnects and meets the token error (default true). */
  drop?: boolean;
}

export interface DevServer {
  readonly wsAddr: string;
  readonly apiAddr: string;
  readonly secret: string;
  readonly counters: DevServerCounters;
  /** REST paths and WS requests the server did not implement (each also answered with an error). */
  readonly unknownRoutes: readonly string[];
  registerUser(userID: string, info?: { nickname?: string; faceURL?: string }): DevUser;
  mintToken(userID: string, options?: MintOptions): string;
  createGroup(
    groupID: string,
    memberIDs: string[],
    options?: { groupName?: string; ownerUserID?: string },
  ): DevGroup;
  sendAs(userID: string, target: Target | string, content: SendContent): DevMessage;
  messagesFor(userID: string): DevMessage[];
  waitForMessage(predicate: (message: DevMessage) => boolean, timeoutMs?: number): Promise<DevMessage>;
  expireToken(userID: string, options?: TokenControlOptions): number;
  invalidateToken(userID: string, options?: TokenControlOptions): number;
  kick(userID: string, options?: { platformID?: number }): number;
  dropConnections(userID?: string): number;
  restart(): Promise<void>;
  setLatency(ms: number): void;
  failNext(route: string, errCode: number): void;
  close(): Promise<void>;
}

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
  const routes: Record<string, Route> = {
    ...userRoutes,
    ...groupRoutes,
    ...conversationRoutes,
    ...adminRoutes,
    ...objectRoutes,
  };
  let handle: DevServer;
  const api = createApiHandler(
    ctx,
    gw,
    routes,
    async (req, res, raw, url) =>
      (await handleObjectHttp(ctx, req, res, raw, url)) ||
      (await handleControlHttp(handle, req, res, raw, url)),
  );
  const makeServers = () => {
    const ws = createServer((_req, res) => res.writeHead(426).end("upgrade to websocket"));
    ws.on("upgrade", (req, socket, head) => gw.handleUpgrade(req, socket, head));
    return { ws, api: createServer((req, res) => void api(req, res)) };
  };
  let servers = makeServers();
  let closed = false;
  const wsPort = await listen(servers.ws, options.wsPort ?? 0, host);
  const apiPort = await listen(servers.api, options.apiPort ?? 0, host);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  ctx.wsAddr = `ws://${urlHost}:${wsPort}`;
  ctx.apiAddr = `http://${urlHost}:${apiPort}`;

  const totalRequests = () => Object.values(ctx.counters.requests).reduce((a, b) => a + b, 0);
  // The SDK fires REST calls it never awaits: cutting one mid-flight is an unhandled rejection in the client's
  // process. So wait (at most 1 s) for 100 ms without requests before closing the sockets.
  const waitQuiet = async () => {
    let last = totalRequests();
    let quietSince = Date.now();
    for (const start = Date.now(); Date.now() - start < 1000; ) {
      await new Promise((r) => setTimeout(r, 20));
      if (totalRequests() !== last || ctx.inflight > 0) {
        last = totalRequests();
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= 100) return;
    }
  };
  const stopAll = async () => {
    await waitQuiet();
    gw.drop();
    await Promise.all([shut(servers.ws, () => false), shut(servers.api, () => ctx.inflight > 0)]);
  };
  const tokenControl =
    (state: "expired" | "invalid") =>
    (userID: string, opts: TokenControlOptions = {}) => {
      const n = ctx.tokens.mark(userID, state, { platformID: opts.platformID, token: opts.token });
      if (opts.drop !== false) gw.drop(userID);
      return n;
    };

  handle = {
    wsAddr: ctx.wsAddr,
    apiAddr: ctx.apiAddr,
    secret,
    get counters() {
      return ctx.counters;
    },
    get unknownRoutes() {
      return ctx.unknownRoutes;
    },
    registerUser: (userID, info) => {
      if (typeof userID !== "string" || !userID)
        throw new DevServerError("DEVSERVER_BAD_INPUT", "userID: expected a non-empty string");
      return ctx.state.ensureUser(userID, info);
    },
    mintToken: (userID, opts) => {
      if (typeof userID !== "string" || !userID)
        throw new DevServerError("DEVSERVER_BAD_INPUT", "userID: expected a non-empty string");
      ctx.state.ensureUser(userID);
      return ctx.tokens.mint(userID, opts).token;
    },
    createGroup: (groupID, memberIDs, opts) => {
      if (typeof groupID !== "string" || !groupID)
        throw new DevServerError("DEVSERVER_BAD_INPUT", "groupID: expected a non-empty string");
      if (!Array.isArray(memberIDs) || memberIDs.length === 0)
        throw new DevServerError("DEVSERVER_BAD_INPUT", "memberIDs: expected at least one userID");
      return createGroupIn(ctx.state, groupID, memberIDs, opts);
    },
    sendAs: (userID, target, content) => sendAsUser(ctx, gw, userID, target, content),
    messagesFor: (userID) =>
      ctx.state.log.filter((m) => {
        const conv = ctx.state.conversations.get(m.conversationID);
        return m.sendID === userID || (conv !== undefined && ctx.state.isMember(conv, userID));
      }),
    waitForMessage: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const seen = ctx.state.log.find(predicate);
        if (seen) return resolve(seen);
        const listener = (m: DevMessage) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          ctx.state.listeners.delete(listener);
          resolve(m);
        };
        const timer = setTimeout(() => {
          ctx.state.listeners.delete(listener);
          reject(
            new DevServerError(
              "DEVSERVER_TIMEOUT",
              `waitForMessage: no matching message within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        ctx.state.listeners.add(listener);
      }),
    expireToken: tokenControl("expired"),
    invalidateToken: tokenControl("invalid"),
    kick: (userID, opts = {}) => {
      ctx.tokens.mark(userID, "kicked", { platformID: opts.platformID });
      return gw.kick(userID, opts.platformID);
    },
    dropConnections: (userID) => gw.drop(userID),
    restart: async () => {
      if (closed) throw new DevServerError("DEVSERVER_CLOSED", "restart: the server is closed");
      await stopAll();
      servers = makeServers();
      await listen(servers.ws, wsPort, host);
      await listen(servers.api, apiPort, host);
    },
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0)
        throw new DevServerError("DEVSERVER_BAD_INPUT", "setLatency: ms must be a number >= 0");
      ctx.latencyMs = ms;
    },
    failNext: (route, errCode) => {
      if (typeof route !== "string" || !route)
        throw new DevServerError(
          "DEVSERVER_BAD_INPUT",
          'failNext: route like "/user/get_users_info", "ws:1003" or "ws:connect"',
        );
      if (!Number.isInteger(errCode) || errCode === 0)
        throw new DevServerError("DEVSERVER_BAD_INPUT", "failNext: errCode must be a non-zero integer");
      const queue = ctx.failures.get(route) ?? [];
      queue.push(errCode);
      ctx.failures.set(route, queue);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const listener of ctx.state.listeners) ctx.state.listeners.delete(listener);
      await stopAll();
      gw.wss.close();
    },
  };
  return handle;
}
