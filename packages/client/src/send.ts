import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { formatTarget, MultiOpenimError, parseTarget, type Target } from "@multi-openim/core";
import type { Clock } from "./clock.js";
import type { ReadMark } from "./read-marks.js";
import { createTextMessageFor } from "./reply.js";
import { failPendingRequests, isSocketOpen, type MessageItem, type OpenImSdk } from "./sdk-loader.js";
import type { SdkSession } from "./session.js";
import { leftUntil, TimeoutError, withTimeout } from "./timeout.js";
import type { MediaSource, SendResult, TextOptions } from "./types.js";
import { isUnknownOutcome, type UnknownSend } from "./unknown-outcome.js";
import { mimeTypeOf, uploadFile } from "./upload.js";

export type MediaKind = "image" | "video" | "file";

export interface SendContext {
  accountId: string;
  /** Deadlines and timeouts are on it (the client's clock). */
  clock: Clock;
  timeoutMs: number;
  uploadTimeoutMs: number;
  /** Resolves with a connected session before the deadline, or throws NOT_CONNECTED / NEEDS_LOGIN / STOPPED. */
  connectedSession(deadline: number): Promise<SdkSession>;
  /** A message received recently, for quoting it in a reply. */
  recent?: (clientMsgID: string) => MessageItem | undefined;
  /** Own messages are remembered so their echo is never delivered as inbound. */
  rememberOwn(clientMsgID: string): void;
  /**
   * The server accepted one of our sends: its echo (with its seq) is on its way, and a hole the next
   * inbound message leaves may be that seq (inbound.ts waits a moment for it before fetching history).
   */
  sentOwn?(message: MessageItem): void;
  sent(): void;
  redact(text: string): string;
  /** Settles a send whose outcome is unknown (found in history, or resent once with the same clientMsgID). */
  resolveUnknown?: (send: UnknownSend) => Promise<{ serverMsgID: string; serverTime: number }>;
}

export function resolveTarget(accountId: string, target: string | Target): Target {
  const parsed = typeof target === "string" ? parseTarget(target) : parseTarget(formatTarget(target));
  if (!parsed) {
    throw new MultiOpenimError(
      "TARGET_INVALID",
      `[client] account=${accountId}: invalid target ${JSON.stringify(target)}; use "user:<userID>" or "group:<groupID>"`,
    );
  }
  return parsed;
}

export async function sendText(
  ctx: SendContext,
  target: string | Target,
  text: string,
  options: TextOptions = {},
): Promise<SendResult> {
  const to = resolveTarget(ctx.accountId, target);
  if (typeof text !== "string" || text.length === 0) {
    throw new MultiOpenimError(
      "SEND_FAILED",
      `[client] account=${ctx.accountId}: text must be a non-empty string`,
    );
  }
  const recent = ctx.recent ?? (() => undefined);
  return send(ctx, to, "sendText", (sdk) => createTextMessageFor(sdk, text, options, recent), false);
}

/**
 * Marks the conversation read up to `mark.upTo` (or, when 0, up to the newest message the client
 * has handed on in it: `handledSeq`), with one request to `/msg/mark_conversation_as_read` through the
 * SDK's own REST call (its token, address and headers). Not the SDK's markConversationMessageAsRead: that
 * one scans its message cache once per unread seq (read-marks.ts). Servers from 3.8 mark every seq up to
 * `hasReadSeq` read themselves; older ones mark the `seqs` sent and move `hasReadSeq`.
 */
export async function markRead(
  ctx: SendContext,
  conversationID: string,
  mark: ReadMark,
  handledSeq: (conversationID: string) => number | undefined,
): Promise<void> {
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  const session = await ctx.connectedSession(deadline);
  const hasReadSeq = mark.upTo > 0 ? mark.upTo : (handledSeq(conversationID) ?? 0);
  const request = (session.sdk as unknown as { sendHttpRequest?: SdkHttpRequest }).sendHttpRequest;
  try {
    if (typeof request !== "function") throw new Error("this SDK has no sendHttpRequest");
    await withTimeout(
      request.call(session.sdk, {
        reqFuncName: "MarkConversationMessageAsRead",
        operationID: randomUUID(),
        data: { conversationID, userID: session.credentials.userID, hasReadSeq, seqs: mark.seqs },
      }),
      leftUntil(deadline, ctx.clock),
      "markRead",
      ctx.clock,
    );
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new MultiOpenimError(
        "SEND_TIMEOUT",
        `[client] account=${ctx.accountId}: markRead ${conversationID} timed out`,
        {
          cause: error,
        },
      );
    }
    throw new MultiOpenimError(
      "SEND_FAILED",
      ctx.redact(
        `[client] account=${ctx.accountId}: markRead ${conversationID} failed: ${describeSdkError(error)}`,
      ),
      { cause: error },
    );
  }
}

/** The SDK instance's REST call (sdk-rest.ts wraps it with a timeout and the bounded agent). */
type SdkHttpRequest = (req: { reqFuncName: string; operationID: string; data: unknown }) => Promise<unknown>;

export async function sendMedia(
  ctx: SendContext,
  kind: MediaKind,
  target: string | Target,
  source: MediaSource,
): Promise<SendResult> {
  const to = resolveTarget(ctx.accountId, target);
  const what = `send${kind[0]!.toUpperCase()}${kind.slice(1)}`;
  if ("path" in source) await checkLocalFile(ctx.accountId, what, source.path);
  else if (!/^https?:\/\//i.test(String(source?.url ?? ""))) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[client] account=${ctx.accountId}: ${what} needs {url: "http(s)://..."} or {path}`,
    );
  }
  return send(
    ctx,
    to,
    what,
    async (sdk, session) => {
      const media =
        "path" in source
          ? await uploadFile({ ...session.credentials, path: source.path, timeoutMs: ctx.uploadTimeoutMs })
          : {
              url: source.url,
              name: source.name ?? source.url.split("/").pop() ?? "file",
              size: source.size ?? 0,
              mimeType: source.mimeType ?? mimeTypeOf(source.url),
            };
      const uuid = randomUUID();
      if (kind === "image") {
        const picture = { uuid, type: media.mimeType, size: media.size, width: 0, height: 0, url: media.url };
        return sdk.createImageMessageByURL({
          sourcePath: "",
          sourcePicture: picture,
          bigPicture: picture,
          snapshotPicture: picture,
        });
      }
      if (kind === "video") {
        return sdk.createVideoMessageByURL({
          videoPath: "",
          duration: 0,
          videoType: media.mimeType,
          snapshotPath: "",
          videoUUID: uuid,
          videoUrl: media.url,
          videoSize: media.size,
          snapshotUUID: "",
          snapshotSize: 0,
          snapshotUrl: "",
          snapshotWidth: 0,
          snapshotHeight: 0,
        });
      }
      return sdk.createFileMessageByURL({
        filePath: "",
        fileName: media.name,
        uuid,
        sourceUrl: media.url,
        fileSize: media.size,
      });
    },
    true,
  );
}

export async function checkLocalFile(accountId: string, what: string, path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new MultiOpenimError(
      "MEDIA_REFUSED",
      `[client] account=${accountId}: ${what}: ${path} is not a readable file`,
    );
  }
}

export async function send(
  ctx: SendContext,
  to: Target,
  what: string,
  create: (sdk: OpenImSdk, session: SdkSession) => Promise<{ data: MessageItem }>,
  notOss: boolean,
): Promise<SendResult> {
  const label = `[client] account=${ctx.accountId}: ${what} to ${formatTarget(to)}`;
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  const session = await ctx.connectedSession(deadline);
  const sdk = session.sdk;
  try {
    const { data: message } = await withTimeout(
      create(sdk, session),
      leftUntil(deadline, ctx.clock),
      what,
      ctx.clock,
    );
    ctx.rememberOwn(message.clientMsgID);
    const params = {
      recvID: to.kind === "user" ? to.id : "",
      groupID: to.kind === "group" ? to.id : "",
      message,
    };
    // Media by URL must go through sendMessageNotOss: sendMessage fails with 10002 for them.
    const call = notOss ? sdk.sendMessageNotOss(params) : sdk.sendMessage(params);
    const settled = await withTimeout(call, leftUntil(deadline, ctx.clock), what, ctx.clock).then(
      ({ data }) => {
        ctx.sentOwn?.(data?.clientMsgID ? data : message);
        return { serverMsgID: data?.serverMsgID ?? "", serverTime: Number(data?.sendTime) || 0 };
      },
      (error) => {
        if (!ctx.resolveUnknown || !isUnknownOutcome(error)) throw error;
        const slow = error instanceof TimeoutError && isSocketOpen(sdk);
        if (!slow) failPendingRequests(sdk, "send outcome unknown on a closed socket");
        return ctx.resolveUnknown({ to, message, notOss, what, ...(slow ? { pending: call } : {}) });
      },
    );
    ctx.sent();
    return { accountId: ctx.accountId, target: to, clientMsgID: message.clientMsgID, ...settled };
  } catch (error) {
    if (error instanceof MultiOpenimError) throw error;
    if (error instanceof TimeoutError) {
      // A request sent on a dead socket hangs forever and blocks the SDK's send queue: release it.
      if (!isSocketOpen(sdk)) failPendingRequests(sdk, "send timed out on a closed socket");
      throw new MultiOpenimError("SEND_TIMEOUT", `${label} timed out after ${ctx.timeoutMs} ms`, {
        cause: error,
      });
    }
    throw new MultiOpenimError("SEND_FAILED", ctx.redact(`${label} failed: ${describeSdkError(error)}`), {
      cause: error,
    });
  }
}

/** SDK rejections are plain objects `{errCode, errMsg}`, not Errors. */
export function describeSdkError(error: unknown): string {
  if (error instanceof Error) return error.message;
  const e = error as { errCode?: unknown; errMsg?: unknown } | null;
  if (e && (e.errCode !== undefined || e.errMsg !== undefined))
    return `errCode=${e.errCode} ${e.errMsg ?? ""}`.trim();
  return String(error);
}
