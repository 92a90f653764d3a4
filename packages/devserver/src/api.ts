import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "./context.js";
import type { Gateway } from "./gateway.js";

/** What a REST handler gets: the parsed JSON body (or raw bytes for protobuf routes) and the caller's identity. */
export interface RouteCall {
  ctx: ServerContext;
  gw: Gateway;
  body: any;
  raw: Buffer;
  userID: string;
  platformID: number;
  operationID: string;
}

export interface Route {
  /** "user": any valid token; "admin": an admin token; "none": no token (get_admin_token). */
  auth: "user" | "admin" | "none";
  handle(call: RouteCall): unknown | Promise<unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly errCode: number,
    message: string,
  ) {
    super(message);
  }
}

export type ExtraHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  url: URL,
) => Promise<boolean>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The REST API: always HTTP 200 with {errCode, errMsg, errDlt, data}; unknown routes are answered and recorded. */
export function createApiHandler(
  ctx: ServerContext,
  gw: Gateway,
  routes: Record<string, Route>,
  extra: ExtraHandler,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    ctx.inflight++;
    try {
      await answerRequest(req, res);
    } catch {
      // A client that went away mid-request: nothing to answer, and nothing may escape as an unhandled rejection.
      if (!res.headersSent) res.writeHead(500);
      res.end();
    } finally {
      ctx.inflight--;
    }
  };

  async function answerRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://x");
    if (await extra(req, res, raw, url)) return;
    const path = url.pathname;
    ctx.count(path);
    const route = req.method === "POST" ? routes[path] : undefined;
    const answer = (errCode: number, errMsg: string, data: unknown = {}) => {
      sendJson(
        res,
        200,
        errCode === 0 ? { errCode, errMsg, errDlt: "", data } : { errCode, errMsg, errDlt: "" },
      );
    };
    await ctx.delay();
    if (!route) {
      ctx.recordUnknown(path);
      return sendJson(res, 404, {
        errCode: 404,
        errMsg: `[devserver] route not implemented: ${req.method} ${path}`,
        errDlt: "",
      });
    }
    const operationID = String(req.headers.operationid ?? "");
    if (!operationID) return answer(1001, "header must have operationID");
    let userID = "";
    let platformID = 0;
    if (route.auth !== "none") {
      const check = ctx.tokens.check(String(req.headers.token ?? ""));
      if (!check.ok) return answer(check.errCode, check.errMsg);
      userID = check.claims.UserID;
      platformID = check.claims.PlatformID;
      if (route.auth === "admin" && !ctx.adminUserIDs.includes(userID))
        return answer(1002, "no permission: admin token required");
    }
    const failure = ctx.takeFailure(path);
    if (failure !== undefined) return answer(failure, `[devserver] failNext(${path})`);
    // The protobuf routes (/jssdk/*) and the object routes send no JSON content type: parse JSON whenever it parses.
    let body: unknown = {};
    if (!String(req.headers["content-type"] ?? "").includes("protobuf") && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return answer(1001, "body is not JSON");
      }
    }
    try {
      const data = await route.handle({ ctx, gw, body: body ?? {}, raw, userID, platformID, operationID });
      answer(0, "", data ?? {});
    } catch (error) {
      if (error instanceof ApiError) return answer(error.errCode, error.message);
      answer(500, error instanceof Error ? error.message : String(error));
    }
  }
}
