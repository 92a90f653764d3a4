import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { DevServerError } from "./errors.js";
import type { MessagePoll } from "./message-waits.js";
import type { DevMessage } from "./state.js";

export interface ChatOptions {
  /** The devserver's API address, e.g. http://127.0.0.1:10002 (its controls answer loopback callers). */
  api: string;
  /** The user to write as. */
  as: string;
  /** `user:<id>` or `group:<id>`. */
  to: string;
  /** @-mentions this user in every line (AtText): a bot that answers groups only when mentioned. */
  mention?: string;
  input: Readable;
  /** Replies, one a line. */
  output: Writable;
  /** Notes and errors. */
  log: (line: string) => void;
  /** After the input ends, how long to wait for the replies still owed (default 90 s: a bot's first turn is slow). */
  waitMs?: number;
  /** Stops at once (Ctrl-C), without waiting for replies. */
  signal?: AbortSignal;
}

const POLL_MS = 20_000;

/** POST <api>/devserver/<name>: the control's `data`, or a DevServerError with the server's message. */
async function control<T>(api: string, name: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`${api}/devserver/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  }).catch((error: unknown) => {
    if (signal?.aborted) throw error;
    throw new DevServerError(
      "DEVSERVER_CLOSED",
      `chat: no devserver answers at ${api} (${(error as Error).message}); check --api`,
      { cause: error },
    );
  });
  const answer = (await res.json().catch(() => ({}))) as { errCode?: number; errMsg?: string; data?: T };
  if (answer.errCode !== 0) {
    const why = answer.errMsg?.replace(/^\[devserver\] /, "") ?? `HTTP ${res.status}`;
    throw new DevServerError("DEVSERVER_BAD_INPUT", why.startsWith(`${name}:`) ? why : `${name}: ${why}`);
  }
  return answer.data as T;
}

export function parseChatTarget(to: string): { kind: "user" | "group"; id: string } {
  const m = /^(user|group):(.+)$/.exec(to);
  if (!m)
    throw new DevServerError(
      "DEVSERVER_BAD_INPUT",
      `--to: expected user:<userID> or group:<groupID>, got "${to}"`,
    );
  return { kind: m[1] as "user" | "group", id: m[2]! };
}

/**
 * A terminal chat over the devserver's control API: each input line is sent as `as` to `to` (sendAs),
 * and every message others write to `as` is printed as `<sender>: <text>` (group ones as
 * `[group:<id>] <sender>: <text>`). Resolves 0 when every line got an answer from `to`, 1 if not.
 */
export async function runChat(options: ChatOptions): Promise<number> {
  const { api, as, to, waitMs = 90_000 } = options;
  const target = parseChatTarget(to);
  const stop = new AbortController();
  options.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  const isAnswer = (m: DevMessage) =>
    target.kind === "user" ? m.sendID === target.id && m.recvID === as : m.groupID === target.id;
  let sent = 0;
  let answered = 0;
  let progress = () => {};

  // From here on only new messages: the history of `as` is not replayed.
  let { next } = await control<MessagePoll>(api, "pollMessagesFor", { userID: as, timeoutMs: 0, after: 0 });
  const printing = (async () => {
    let failures = 0;
    while (!stop.signal.aborted) {
      try {
        const poll = await control<MessagePoll>(
          api,
          "pollMessagesFor",
          { userID: as, after: next, timeoutMs: POLL_MS },
          stop.signal,
        );
        failures = 0;
        next = poll.next;
        for (const m of poll.messages.filter((x) => x.sendID !== as)) {
          const where = m.groupID ? `[group:${m.groupID}] ` : "";
          options.output.write(`${where}${m.sendID}: ${m.text || `[contentType ${m.contentType}]`}\n`);
          if (isAnswer(m)) answered += 1;
        }
        progress();
      } catch (error) {
        if (stop.signal.aborted) return;
        // A restart of the devserver cuts the poll: ask again a few times before giving up.
        if (++failures > 5) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  printing.catch(() => stop.abort()); // the server is gone: end the input loop too

  try {
    const lines = createInterface({ input: options.input, terminal: false });
    stop.signal.addEventListener("abort", () => lines.close(), { once: true });
    for await (const line of lines) {
      const text = line.trim();
      if (!text) continue;
      const content = options.mention ? { text, atUserIDs: [options.mention] } : text;
      await control(api, "sendAs", { userID: as, target: to, content });
      sent += 1;
    }
    // Input ended: wait (bounded) for the answers still owed, unless stopped.
    if (!stop.signal.aborted && answered < sent) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        stop.signal.addEventListener("abort", () => resolve(), { once: true });
        progress = () => {
          if (answered >= sent) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
    }
  } finally {
    stop.abort();
  }
  const failed = await printing.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (failed) throw failed;
  if (answered < sent && !options.signal?.aborted) {
    options.log(`${sent - answered} of ${sent} message(s) to ${to} got no answer within ${waitMs / 1000} s`);
    return 1;
  }
  return 0;
}
