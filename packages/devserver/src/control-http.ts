import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./api.js";
import { isDevServerError } from "./errors.js";
import type { DevServer } from "./server.js";
import type { DevMessage } from "./state.js";

/** Field filters a caller over HTTP can wait on (a predicate cannot cross the wire). */
type MessageMatch = Partial<
  Pick<DevMessage, "sendID" | "recvID" | "groupID" | "conversationID" | "text" | "contentType">
>;

const matches = (match: MessageMatch) => (m: DevMessage) =>
  Object.entries(match).every(([key, value]) => (m as unknown as Record<string, unknown>)[key] === value);

type Body = any;

const controls: Record<string, (server: DevServer, body: Body) => unknown> = {
  registerUser: (s, b) => s.registerUser(b.userID, { nickname: b.nickname, faceURL: b.faceURL }),
  mintToken: (s, b) => ({
    token: s.mintToken(b.userID, { platformID: b.platformID, expiresInSec: b.expiresInSec }),
  }),
  createGroup: (s, b) =>
    s.createGroup(b.groupID, b.memberIDs, { groupName: b.groupName, ownerUserID: b.ownerUserID }),
  sendAs: (s, b) => s.sendAs(b.userID, b.target, b.content),
  messagesFor: (s, b) => s.messagesFor(b.userID),
  pollMessagesFor: (s, b) => s.pollMessagesFor(b.userID, { after: b.after, timeoutMs: b.timeoutMs }),
  waitForMessage: (s, b) => s.waitForMessage(matches(b.match ?? {}), b.timeoutMs),
  expireToken: (s, b) => ({ tokens: s.expireToken(b.userID, { platformID: b.platformID, drop: b.drop }) }),
  invalidateToken: (s, b) => ({
    tokens: s.invalidateToken(b.userID, { platformID: b.platformID, drop: b.drop }),
  }),
  kick: (s, b) => ({ connections: s.kick(b.userID, { platformID: b.platformID }) }),
  dropConnections: (s, b) => ({ connections: s.dropConnections(b.userID) }),
  dropOnNextSend: (s, b) => s.dropOnNextSend(b.userID, { store: b.store }),
  setLatency: (s, b) => s.setLatency(b.ms),
  failNext: (s, b) => s.failNext(b.route, b.errCode),
  counters: (s) => s.counters,
  unknownRoutes: (s) => s.unknownRoutes,
  // Answers first, then restarts: the restart closes this very connection.
  restart: (s) => {
    setTimeout(() => void s.restart().catch(() => {}), 10);
    return { restarting: true };
  },
};

export function isLoopback(address: string | undefined): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address ?? "");
}

/** `localhost`, `127.x.y.z` or `[::1]`, with or without a port: a name a DNS-rebinding page cannot use. */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(host ?? "")?.[1]?.toLowerCase();
  return name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name ?? "");
}

/**
 * Why a browser could have sent this request, or null. A page on another site can reach loopback by
 * DNS rebinding (its own name, resolving to 127.0.0.1: the Host header keeps that name) or by a plain
 * form post (no preflight, so only a text/form content type): both are refused.
 */
function browserProblem(req: IncomingMessage): string | null {
  if (!isLoopbackHost(req.headers.host))
    return "the Host header must be a loopback address (127.0.0.1, localhost, [::1])";
  const origin = req.headers.origin;
  if (
    origin !== undefined &&
    origin !== "null" &&
    !isLoopbackHost(URL.canParse(origin) ? new URL(origin).host : "")
  ) {
    return "a request from a web page's origin is refused";
  }
  if (origin === "null") return "a request from a web page's origin is refused";
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return 'send the body as JSON with "content-type: application/json"';
  return null;
}

/** POST /devserver/<control> on the API port: the in-process controls for tests in another process (or curl). */
export async function handleControlHttp(
  server: DevServer,
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  url: URL,
): Promise<boolean> {
  const m = /^\/devserver\/([A-Za-z]+)$/.exec(url.pathname);
  if (!m) return false;
  // The controls mint tokens and kick users: only a caller on this machine may use them, whatever the bind address.
  if (!isLoopback(req.socket.remoteAddress)) {
    sendJson(res, 403, { errCode: 403, errMsg: "[devserver] controls answer loopback callers only" });
    return true;
  }
  const problem = browserProblem(req);
  if (problem) {
    sendJson(res, 403, { errCode: 403, errMsg: `[devserver] controls: ${problem}` });
    return true;
  }
  const control = controls[m[1]!];
  // Counted like REST routes, so a test can tell whether a program used the controls or only the protocol.
  server.counters.requests[url.pathname] = (server.counters.requests[url.pathname] ?? 0) + 1;
  if (req.method !== "POST" || !control) {
    sendJson(res, 404, {
      errCode: 404,
      errMsg: `[devserver] no control ${req.method} ${url.pathname}; POST one of: ${Object.keys(controls).join(", ")}`,
    });
    return true;
  }
  try {
    const body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {};
    const data = await control(server, body);
    sendJson(res, 200, { errCode: 0, errMsg: "", data: data ?? {} });
  } catch (error) {
    const errMsg = error instanceof Error ? error.message : String(error);
    sendJson(res, isDevServerError(error) ? 400 : 500, {
      errCode: 400,
      errMsg,
      code: isDevServerError(error) ? error.code : undefined,
    });
  }
  return true;
}
