import type { SendContent } from "./content.js";
import type { DevServerCounters, ServerContext } from "./context.js";
import { DevServerError } from "./errors.js";
import type { Gateway } from "./gateway.js";
import type { InputStateRecord } from "./input-states.js";
import { createMessageWaits, type MessagePoll } from "./message-waits.js";
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
  /** Typing states clients sent (the SDK's `changeInputStates`), oldest first; those in `conversationID` only if given. */
  inputStates(conversationID?: string): InputStateRecord[];
  /**
   * A user's read state in a conversation: its hasReadSeq, the conversation's maxSeq, and the seqs of
   * messages from others marked read (`/msg/mark_conversation_as_read`). Throws for an unknown one.
   */
  readState(
    userID: string,
    conversationID: string,
  ): { hasReadSeq: number; maxSeq: number; readSeqs: number[] };
  /** Resolves with the first stored message matching, already stored ones included. */
  waitForMessage(predicate: (message: DevMessage) => boolean, timeoutMs?: number): Promise<DevMessage>;
  /**
   * The user's messages stored at or after log position `after` (default 0), waiting up to `timeoutMs`
   * (default 0, at most 60000) for one; pass the answer's `next` as `after` to get only newer ones.
   */
  pollMessagesFor(userID: string, options?: { after?: number; timeoutMs?: number }): Promise<MessagePoll>;
  expireToken(userID: string, options?: TokenControlOptions): number;
  invalidateToken(userID: string, options?: TokenControlOptions): number;
  kick(userID: string, options?: { platformID?: number }): number;
  dropConnections(userID?: string): number;
  /**
   * The user's next WS send is stored and delivered (`store: true`) or not stored at all, and then the
   * user's sockets are cut before any answer: the sender cannot know whether it reached the server.
   */
  dropOnNextSend(userID: string, options: { store: boolean }): void;
  setLatency(ms: number): void;
  failNext(route: string, errCode: number): void;
}

const bad = (message: string) => new DevServerError("DEVSERVER_BAD_INPUT", message);

function requireID(value: unknown, field: string): void {
  if (typeof value !== "string" || !value) throw bad(`${field}: expected a non-empty string`);
}

/** Builds the controls over one server's state; `cancelWaits` rejects pending waits when the server closes. */
export function createControls(ctx: ServerContext, gw: Gateway): DevServerControls & { cancelWaits(): void } {
  const waits = createMessageWaits(ctx);
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
    messagesFor: waits.messagesFor,
    inputStates: (conversationID) =>
      ctx.state.inputStates.filter((s) => !conversationID || s.conversationID === conversationID),
    readState: (userID, conversationID) => {
      const conv = ctx.state.conversations.get(conversationID);
      if (!conv) throw bad(`conversationID: no conversation ${JSON.stringify(conversationID)}`);
      return {
        hasReadSeq: conv.hasReadSeq.get(userID) ?? 0,
        maxSeq: conv.msgs.length,
        readSeqs: conv.msgs.filter((m) => m.isRead && m.sendID !== userID).map((m) => Number(m.seq)),
      };
    },
    waitForMessage: waits.waitForMessage,
    pollMessagesFor: waits.pollMessagesFor,
    expireToken: tokenControl("expired"),
    invalidateToken: tokenControl("invalid"),
    kick: (userID, opts = {}) => {
      requireID(userID, "userID");
      ctx.tokens.mark(userID, "kicked", { platformID: opts.platformID });
      return gw.kick(userID, opts.platformID);
    },
    dropConnections: (userID) => gw.drop(userID),
    dropOnNextSend: (userID, opts) => {
      requireID(userID, "userID");
      if (typeof opts?.store !== "boolean") throw bad("dropOnNextSend: options.store must be true or false");
      ctx.sendDrops.set(userID, { store: opts.store });
    },
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
    cancelWaits: waits.cancelWaits,
  };
}
