import type { SendContent } from "./content.js";
import type { DevServerCounters, ServerContext } from "./context.js";
import { DevServerError } from "./errors.js";
import type { Gateway } from "./gateway.js";
import { sendAsUser, type Target } from "./messaging.js";
import { createGroupIn } from "./routes-group.js";
import type { DevGroup, DevMessage, DevUser } from "./state.js";
import type { MintOptions } from "./tokens.js";

/** Which tokens a token control applies to; by default all of the user's, and their sockets are dropped. */
export interface TokenControlOptions {
  platformID?: number;
  token?: string;
  /** Drop the user's sockets so the SDK reconnects and meets the token error (default true). */
  drop?: boolean;
}

/** The controls a test drives a server with (also served as POST /devserver/<name>). */
export interface DevServerControls {
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
  /** Resolves with the first stored message matching, already stored ones included. */
  waitForMessage(predicate: (message: DevMessage) => boolean, timeoutMs?: number): Promise<DevMessage>;
  expireToken(userID: string, options?: TokenControlOptions): number;
  invalidateToken(userID: string, options?: TokenControlOptions): number;
  kick(userID: string, options?: { platformID?: number }): number;
  dropConnections(userID?: string): number;
  setLatency(ms: number): void;
  failNext(route: string, errCode: number): void;
}

const bad = (message: string) => new DevServerError("DEVSERVER_BAD_INPUT", message);

function requireID(value: unknown, field: string): void {
  if (typeof value !== "string" || !value) throw bad(`${field}: expected a non-empty string`);
}

/** Builds the controls over one server's state; `cancelWaits` rejects pending waits when the server closes. */
export function createControls(ctx: ServerContext, gw: Gateway): DevServerControls & { cancelWaits(): void } {
  const waits = new Set<(error: Error) => void>();
  const tokenControl =
    (state: "expired" | "invalid") =>
    (userID: string, opts: TokenControlOptions = {}) => {
      requireID(userID, "userID");
      const n = ctx.tokens.mark(userID, state, { platformID: opts.platformID, token: opts.token });
      if (opts.drop !== false) gw.drop(userID);
      return n;
    };
  return {
    get counters() {
      return ctx.counters;
    },
    get unknownRoutes() {
      return ctx.unknownRoutes;
    },
    registerUser: (userID, info) => {
      requireID(userID, "userID");
      return ctx.state.ensureUser(userID, info);
    },
    mintToken: (userID, opts = {}) => {
      requireID(userID, "userID");
      if (opts.platformID !== undefined && !(Number.isInteger(opts.platformID) && opts.platformID > 0)) {
        throw bad("platformID: expected a positive integer (5 = web, the SDK's default)");
      }
      if (opts.expiresInSec !== undefined && !Number.isFinite(opts.expiresInSec)) {
        throw bad("expiresInSec: expected a number of seconds (negative mints an already expired token)");
      }
      ctx.state.ensureUser(userID);
      return ctx.tokens.mint(userID, opts).token;
    },
    createGroup: (groupID, memberIDs, opts) => {
      requireID(groupID, "groupID");
      if (
        !Array.isArray(memberIDs) ||
        memberIDs.length === 0 ||
        !memberIDs.every((id) => typeof id === "string" && id)
      ) {
        throw bad("memberIDs: expected a non-empty array of userIDs");
      }
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
        const done = () => {
          clearTimeout(timer);
          ctx.state.listeners.delete(listener);
          waits.delete(cancel);
        };
        const listener = (m: DevMessage) => {
          if (!predicate(m)) return;
          done();
          resolve(m);
        };
        const cancel = (error: Error) => {
          done();
          reject(error);
        };
        const timer = setTimeout(
          () =>
            cancel(
              new DevServerError(
                "DEVSERVER_TIMEOUT",
                `waitForMessage: no matching message within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
        ctx.state.listeners.add(listener);
        waits.add(cancel);
      }),
    expireToken: tokenControl("expired"),
    invalidateToken: tokenControl("invalid"),
    kick: (userID, opts = {}) => {
      requireID(userID, "userID");
      ctx.tokens.mark(userID, "kicked", { platformID: opts.platformID });
      return gw.kick(userID, opts.platformID);
    },
    dropConnections: (userID) => gw.drop(userID),
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw bad("setLatency: ms must be a number >= 0");
      ctx.latencyMs = ms;
    },
    failNext: (route, errCode) => {
      if (typeof route !== "string" || !route)
        throw bad('failNext: route like "/user/get_users_info", "ws:1003" or "ws:connect"');
      if (!Number.isInteger(errCode) || errCode === 0)
        throw bad("failNext: errCode must be a non-zero integer");
      ctx.failures.set(route, [...(ctx.failures.get(route) ?? []), errCode]);
    },
    cancelWaits: () => {
      for (const cancel of [...waits])
        cancel(new DevServerError("DEVSERVER_CLOSED", "waitForMessage: the server closed"));
    },
  };
}
