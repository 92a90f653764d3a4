import { isMultiOpenimError, type MultiOpenimErrorCode, redactSecrets } from "@multi-openim/core";
import { checkAccount, checkOptionalString, checkTarget, checkText } from "./checks.js";
import { checkMediaSource, type MediaPolicy } from "./media-policy.js";
import { type ToolFailure, type ToolOutcome, type ToolSuccess, toolFailure } from "./outcome.js";
import type { Sender } from "./sender.js";

export interface RunOptions extends MediaPolicy {
  /** Known secret values (account tokens, ...) to scrub from any error text shown to the model. */
  secrets?: () => Iterable<string | undefined>;
}

export type MediaKind = "image" | "video" | "file";

// Codes a sender may raise that the model can act on as they are; anything else is reported as SEND_FAILED.
const PASSED_THROUGH = new Set<MultiOpenimErrorCode>([
  "NOT_CONNECTED",
  "ACCOUNT_UNKNOWN",
  "SEND_TIMEOUT",
  "TARGET_INVALID",
  "MEDIA_REFUSED",
  "NEEDS_LOGIN",
  "STOPPED",
]);

function isFailure(value: object): value is ToolFailure {
  return (value as { ok?: unknown }).ok === false;
}

function paramsObject(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === "object" ? (params as Record<string, unknown>) : {};
}

/** OpenIM's SDK rejects with plain `{errCode, errMsg}` objects, not Errors; a sender may pass one on. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const e = error as { errCode?: unknown; errMsg?: unknown; message?: unknown } | null;
  if (e && typeof e === "object" && (e.errMsg !== undefined || e.message !== undefined)) {
    const code = e.errCode !== undefined ? `errCode=${String(e.errCode)} ` : "";
    return `${code}${String(e.errMsg ?? e.message)}`;
  }
  return String(error);
}

/** A sender's failure becomes a result, never a throw, and its text loses anything secret. */
function sendFailure(error: unknown, options: RunOptions): ToolFailure {
  const code = isMultiOpenimError(error) && PASSED_THROUGH.has(error.code) ? error.code : "SEND_FAILED";
  const raw = describe(error);
  const message = redactSecrets(raw, options.secrets?.() ?? []);
  return toolFailure(code, `the OpenIM send failed: ${message}`);
}

/** The checks every send tool starts with: a params object, a configured account, a valid `to`. */
function checkCommon(
  sender: Sender,
  params: unknown,
): ToolFailure | { p: Record<string, unknown>; accountId: string; to: string } {
  const p = paramsObject(params);
  const accountProblem = checkAccount(sender, p.accountId);
  if (accountProblem) return accountProblem;
  const target = checkTarget(p.to);
  if (isFailure(target)) return target;
  return { p, accountId: p.accountId as string, to: target.to };
}

async function attempt(
  options: RunOptions & { signal?: AbortSignal },
  accountId: string,
  to: string,
  send: () => Promise<string>,
): Promise<ToolOutcome> {
  if (options.signal?.aborted) return toolFailure("SEND_FAILED", "cancelled before sending.");
  try {
    const messageId = await send();
    return { ok: true, messageId, accountId, to };
  } catch (error) {
    return sendFailure(error, options);
  }
}

export async function runSendText(
  sender: Sender,
  params: unknown,
  options: RunOptions & { signal?: AbortSignal } = {},
): Promise<ToolOutcome> {
  const common = checkCommon(sender, params);
  if (isFailure(common)) return common;
  const { p, accountId, to } = common;
  const text = checkText(p.text);
  if (isFailure(text)) return text;
  return attempt(options, accountId, to, () =>
    sender.sendText(accountId, to, text.text, { signal: options.signal }),
  );
}

export async function runSendMedia(
  sender: Sender,
  kind: MediaKind,
  params: unknown,
  options: RunOptions & { signal?: AbortSignal } = {},
): Promise<ToolOutcome> {
  const common = checkCommon(sender, params);
  if (isFailure(common)) return common;
  const { p, accountId, to } = common;
  const caption = checkOptionalString("caption", p.caption);
  if (isFailure(caption)) return caption;
  const fileName = checkOptionalString("fileName", p.fileName);
  if (isFailure(fileName)) return fileName;
  if (fileName.value && /[/\\\0]/.test(fileName.value)) {
    return toolFailure("TOOL_INPUT_INVALID", "fileName is a name, not a path: leave out any / or \\.");
  }
  const media = await checkMediaSource({ url: p.url, path: p.path }, options);
  if (isFailure(media)) return media;
  const sendOptions = { signal: options.signal, fileName: fileName.value };
  const send = {
    image: () => sender.sendImage(accountId, to, media.source, sendOptions),
    video: () => sender.sendVideo(accountId, to, media.source, sendOptions),
    file: () => sender.sendFile(accountId, to, media.source, sendOptions),
  }[kind];
  const outcome = await attempt(options, accountId, to, send);
  if (!outcome.ok || !caption.value) return outcome;
  return sendCaption(sender, kind, outcome, caption.value, options);
}

/**
 * The caption goes out as a text right after its media (OpenIM media messages carry no text). If only the
 * caption fails, the model is told the media arrived, so it resends the caption rather than the media.
 */
async function sendCaption(
  sender: Sender,
  kind: MediaKind,
  sent: ToolSuccess,
  caption: string,
  options: RunOptions & { signal?: AbortSignal },
): Promise<ToolOutcome> {
  try {
    const captionMessageId = await sender.sendText(sent.accountId, sent.to, caption, {
      signal: options.signal,
    });
    return { ...sent, captionMessageId };
  } catch (error) {
    const failed = sendFailure(error, options);
    return toolFailure(
      failed.code,
      `the ${kind} was sent (messageId=${sent.messageId}) but its caption was not (${failed.message}): send the caption alone with multi_openim_send_text, do not resend the ${kind}.`,
    );
  }
}
