import type { ServerContext } from "./context.js";
import { DevServerError } from "./errors.js";
import type { DevMessage } from "./state.js";

/** What `pollMessagesFor` answers: the new messages and the cursor to pass as `after` next time. */
export interface MessagePoll {
  messages: DevMessage[];
  /** Position in the server's message log after the last message looked at. */
  next: number;
}

/** A poll waits at most this long: an HTTP caller asks again rather than holding a socket for minutes. */
export const MAX_POLL_MS = 60_000;

const bad = (message: string) => new DevServerError("DEVSERVER_BAD_INPUT", message);

/**
 * Waiting on the message log: one matching message (`waitForMessage`), or a user's new messages from
 * a cursor (`pollMessagesFor`, a long poll a program in another process can loop on). Pending waits
 * reject with DEVSERVER_CLOSED when the server closes.
 */
export function createMessageWaits(ctx: ServerContext) {
  const waits = new Set<() => void>();

  /** Resolves with the first value `pick` finds: in the log now, or in a message stored later. */
  const waitUntil = <T>(pick: (newest?: DevMessage) => T | undefined, timeoutMs: number, name: string) =>
    new Promise<T>((resolve, reject) => {
      const now = pick();
      if (now !== undefined) return resolve(now);
      const done = () => {
        clearTimeout(timer);
        ctx.state.listeners.delete(listener);
        waits.delete(cancel);
      };
      const listener = (m: DevMessage) => {
        const found = pick(m);
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const fail = (error: Error) => {
        done();
        reject(error);
      };
      const cancel = () => fail(new DevServerError("DEVSERVER_CLOSED", `${name}: the server closed`));
      const timer = setTimeout(
        () =>
          fail(
            new DevServerError("DEVSERVER_TIMEOUT", `${name}: no matching message within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      ctx.state.listeners.add(listener);
      waits.add(cancel);
    });

  const inConversationsOf = (userID: string) => (m: DevMessage) => {
    const conv = ctx.state.conversations.get(m.conversationID);
    return m.sendID === userID || (conv !== undefined && ctx.state.isMember(conv, userID));
  };

  return {
    messagesFor: (userID: string) => ctx.state.log.filter(inConversationsOf(userID)),

    waitForMessage: (predicate: (message: DevMessage) => boolean, timeoutMs = 10_000) =>
      waitUntil(
        (m) => (m ? (predicate(m) ? m : undefined) : ctx.state.log.find(predicate)),
        timeoutMs,
        "waitForMessage",
      ),

    pollMessagesFor: async (
      userID: string,
      options: { after?: number; timeoutMs?: number } = {},
    ): Promise<MessagePoll> => {
      const { after = 0, timeoutMs = 0 } = options;
      if (typeof userID !== "string" || !userID)
        throw bad("pollMessagesFor: userID: expected a non-empty string");
      if (!Number.isInteger(after) || after < 0)
        throw bad(
          "pollMessagesFor: after: expected the `next` of an earlier poll (an integer >= 0; 0 = from the start)",
        );
      if (!Number.isFinite(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_POLL_MS)
        throw bad(`pollMessagesFor: timeoutMs: expected 0-${MAX_POLL_MS} ms (0 answers at once)`);
      const mine = inConversationsOf(userID);
      const collect = () => {
        const messages = ctx.state.log.slice(after).filter(mine);
        return messages.length > 0 ? { messages, next: ctx.state.log.length } : undefined;
      };
      const empty = () => ({ messages: [], next: Math.max(after, ctx.state.log.length) });
      if (timeoutMs === 0) return collect() ?? empty();
      try {
        // A listener runs after the message is in the log, so collecting from the log sees it.
        return await waitUntil(() => collect(), timeoutMs, "pollMessagesFor");
      } catch (error) {
        // Nothing new in time is an answer, not an error: the caller polls again from the same cursor.
        if ((error as DevServerError).code === "DEVSERVER_TIMEOUT") return empty();
        throw error;
      }
    },

    cancelWaits: () => {
      for (const cancel of [...waits]) cancel();
    },
  };
}
