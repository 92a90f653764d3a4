import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import type { ServerContext } from "./context.js";
import { encodeBase64, PbCoder } from "./pb.js";
import type { Conversation, MsgData } from "./state.js";
import { handleWsRequest, type WsRequest } from "./ws-requests.js";

/** One accepted SDK socket. */
export interface Connection {
  ws: WebSocket;
  userID: string;
  platformID: number;
  token: string;
  /** Users whose online status this socket subscribed to (2005); it gets a 2005 push when they change. */
  subscriptions: Set<string>;
}

export const PUSH_MSG = 2001;
export const KICK_ONLINE = 2002;
export const SUB_USER_ONLINE_STATUS = 2005;

/** The WebSocket side: the connect handshake, requests and pushes, exactly as the JS SDK speaks them. */
export class Gateway {
  readonly connections = new Set<Connection>();
  readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly ctx: ServerContext) {}

  handleUpgrade(req: IncomingMessage, socket: import("node:stream").Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    // A socket error (a client vanishing mid-frame) must never throw out of the server: just cut the socket.
    ws.on("error", () => ws.terminate());
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    const token = query.get("token") ?? "";
    const sendID = query.get("sendID") ?? "";
    const platformID = Number(query.get("platformID") ?? 0);
    this.ctx.count("ws:connect");
    const reject = (errCode: number, errMsg: string) => {
      this.ctx.counters.rejectedConnects++;
      ws.send(JSON.stringify({ errCode, errMsg, errDlt: "" }));
      ws.close();
    };
    const failure = this.ctx.takeFailure("ws:connect");
    if (failure !== undefined) {
      reject(failure, "[devserver] failNext(ws:connect)");
      return;
    }
    const check = this.ctx.tokens.check(token);
    if (!check.ok) {
      reject(check.errCode, check.errMsg);
      return;
    }
    if (check.claims.UserID !== sendID || check.claims.PlatformID !== platformID) {
      reject(1502, "token does not match sendID / platformID");
      return;
    }
    const conn: Connection = { ws, userID: sendID, platformID, token, subscriptions: new Set() };
    this.connections.add(conn);
    this.ctx.counters.connections++;
    this.ctx.counters.connectionsTotal++;
    this.ctx.counters.logins++;
    ws.on("close", () => this.forget(conn));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return this.onText(conn, data.toString());
      void this.onBinary(conn, data as Buffer);
    });
    ws.send(JSON.stringify({ errCode: 0, errMsg: "", errDlt: "" }));
    this.notifyStatus(sendID);
  }

  private onText(conn: Connection, text: string): void {
    // The SDK JSON.parses every text frame: a bare "pong" would crash it, so answer JSON.
    try {
      if ((JSON.parse(text) as { type?: string }).type === "ping")
        conn.ws.send(JSON.stringify({ type: "pong" }));
    } catch {
      /* not JSON: ignore, as the real gateway does */
    }
  }

  private async onBinary(conn: Connection, data: Buffer): Promise<void> {
    let req: WsRequest;
    try {
      req = JSON.parse(data.toString("utf8")) as WsRequest;
    } catch {
      return;
    }
    await handleWsRequest(this.ctx, this, conn, req);
  }

  reply(conn: Connection, req: WsRequest, errCode: number, errMsg: string, data: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    const frame = {
      reqIdentifier: req.reqIdentifier,
      msgIncr: req.msgIncr,
      operationID: req.operationID,
      errCode,
      errMsg,
      data,
    };
    conn.ws.send(Buffer.from(JSON.stringify(frame)));
  }

  /** Pushes one stored message (2001) to the given connection; a notification goes in `notificationMsgs`. */
  pushTo(
    conn: Connection,
    conv: Conversation,
    msg: MsgData,
    operationID: string,
    notification = false,
  ): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    const entry = { [conv.conversationID]: { Msgs: [msg], isEnd: false } };
    const data = encodeBase64(PbCoder.PushMessages, {
      msgs: notification ? {} : entry,
      notificationMsgs: notification ? entry : {},
    });
    const frame = { reqIdentifier: PUSH_MSG, msgIncr: "", operationID, errCode: 0, errMsg: "", data };
    conn.ws.send(Buffer.from(JSON.stringify(frame)));
  }

  /** Delivers a stored message to every online recipient, except `skip` (the sender's socket, served after its reply). */
  deliver(conv: Conversation, msg: MsgData, operationID: string = randomUUID(), skip?: Connection): void {
    const recipients = new Set(this.ctx.state.recipients(conv));
    for (const conn of this.connections) {
      if (conn !== skip && recipients.has(conn.userID)) this.pushTo(conn, conv, msg, operationID);
    }
  }

  /** Pushes a notification (e.g. a revoke) to every online member of its conversation. */
  notify(conv: Conversation, msg: MsgData, operationID: string): void {
    const recipients = new Set(this.ctx.state.recipients(conv));
    for (const conn of this.connections) {
      if (recipients.has(conn.userID)) this.pushTo(conn, conv, msg, operationID, true);
    }
  }

  /** Pushes an unstored message (typing) to the online sockets of `userIDs`, except `skip`. */
  pushToUsers(userIDs: Set<string>, conv: Conversation, msg: MsgData, skip?: Connection): void {
    for (const conn of this.connections) {
      if (conn !== skip && userIDs.has(conn.userID)) this.pushTo(conn, conv, msg, randomUUID());
    }
  }

  /** Sends the 2002 kick push and closes: the SDK fires OnKickedOffline and does not reconnect. */
  kick(userID: string, platformID?: number): number {
    let n = 0;
    for (const conn of [...this.connections]) {
      if (conn.userID !== userID || (platformID !== undefined && conn.platformID !== platformID)) continue;
      const frame = {
        reqIdentifier: KICK_ONLINE,
        msgIncr: "",
        operationID: randomUUID(),
        errCode: 0,
        errMsg: "",
        data: "",
      };
      conn.ws.send(Buffer.from(JSON.stringify(frame)));
      conn.ws.close();
      this.forget(conn);
      n++;
    }
    return n;
  }

  /** Cuts sockets without a close handshake, like a network drop; the SDK retries after ~5 s. */
  drop(userID?: string): number {
    let n = 0;
    for (const conn of [...this.connections]) {
      if (userID !== undefined && conn.userID !== userID) continue;
      conn.ws.terminate();
      this.forget(conn);
      n++;
    }
    return n;
  }

  /** Counted out at once (not on the async close event), so a test reads the count right after a control. */
  private forget(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.ctx.counters.connections--;
    this.notifyStatus(conn.userID);
  }

  /** Pushes 2005 (empty msgIncr: a change, not a reply) to every socket subscribed to this user. */
  private notifyStatus(userID: string): void {
    const data = encodeBase64(PbCoder.SubUserOnlineStatusTips, {
      subscribers: [{ userID, onlinePlatformIDs: this.onlinePlatforms(userID) }],
    });
    for (const conn of this.connections) {
      if (!conn.subscriptions.has(userID) || conn.ws.readyState !== conn.ws.OPEN) continue;
      const frame = {
        reqIdentifier: SUB_USER_ONLINE_STATUS,
        msgIncr: "",
        operationID: randomUUID(),
        errCode: 0,
        errMsg: "",
        data,
      };
      conn.ws.send(Buffer.from(JSON.stringify(frame)));
    }
  }

  onlinePlatforms(userID: string): number[] {
    return [...new Set([...this.connections].filter((c) => c.userID === userID).map((c) => c.platformID))];
  }
}
