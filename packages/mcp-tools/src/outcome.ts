import type { MultiOpenimErrorCode } from "@multi-openim/core";

export interface ToolSuccess {
  ok: true;
  messageId: string;
  accountId: string;
  /** The normalized target the message went to. */
  to: string;
  /** The id of the caption's text message, when a caption was sent after the media. */
  captionMessageId?: string;
}

export interface ToolFailure {
  ok: false;
  code: MultiOpenimErrorCode;
  /** Written for the model: what is wrong and what to do instead. Never holds a secret. */
  message: string;
}

export type ToolOutcome = ToolSuccess | ToolFailure;

export function toolFailure(code: MultiOpenimErrorCode, message: string): ToolFailure {
  return { ok: false, code, message };
}

/** The one line a model reads back, for both adapters. */
export function outcomeText(outcome: ToolOutcome): string {
  if (outcome.ok) {
    const caption = outcome.captionMessageId ? ` captionMessageId=${outcome.captionMessageId}` : "";
    return `Sent. messageId=${outcome.messageId} accountId=${outcome.accountId} to=${outcome.to}${caption}`;
  }
  return `Error ${outcome.code}: ${outcome.message}`;
}
