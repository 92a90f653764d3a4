import {
  CHANNEL_ID,
  type ChannelConfig,
  formatTarget,
  groupPeerId,
  groupSessionKey,
  type ResolvedAccount,
  sessionKey,
} from "@multi-openim/core";
import type { TurnRecorder } from "./delivery.js";
import { DEFAULT_HISTORY_LIMIT, groupHistoryOf } from "./group-history.js";
import { groupNameOf } from "./group-names.js";
import { admitMessage } from "./inbound-admission.js";
import { type InboundMediaResult, resolveInboundMedia } from "./inbound-media.js";
import type { LookupAll } from "./net-guard.js";
import { inboundBody, stripSelfMentions } from "./policy.js";
import { createReplier } from "./reply.js";
import type { DeliveryInfo, InboundChannelRuntime, ReplyPayloadLike } from "./runtime-types.js";
import type { Sends } from "./sends.js";
import {
  isFailureNotice,
  TurnNotAnsweredError,
  trackTurnAdoption,
  turnWentUnanswered,
} from "./turn-adoption.js";
import type { AccountClient, InboundMessage, Logger } from "./types.js";
import { typingForTurn } from "./typing.js";

/** What one running client's turns share: built once per client (gateway.ts), never per message. */
export interface InboundContext {
  cfg: unknown;
  account: ResolvedAccount;
  client: AccountClient;
  runtime: InboundChannelRuntime;
  log: Logger;
  /** The channel block (media limits, allowed hosts and folders). */
  channel?: ChannelConfig | undefined;
  /** The account's stop signal: a turn still queued inside OpenClaw at stop is kept for the next start. */
  abortSignal?: AbortSignal;
  /** Tests only: DNS for the media guard. */
  lookup?: LookupAll;
  /** Replies go out by account id (sends.ts), so a reply outlives a restart of its client. */
  sends?: Sends;
  /** Folders a reply's local media may come from. */
  mediaRoots: () => string[];
}

/** A message without attachments: nothing to fetch (read only). */
const NO_MEDIA: InboundMediaResult = { facts: [], lines: [] };

/** For a turn nobody records (a replay of it is nobody's job). */
const UNRECORDED: TurnRecorder = {
  admitted: async () => {},
  adopted: async () => {},
  replied: () => {},
  handover: 0,
};

/**
 * Session keys, independent of the user's `session.dmScope` (default "main" would put every DM of
 * every account into one session): a DM is `multi-openim:<sendID>:<accountId>` (the seed's key), a
 * group carries the account too, since the same group id on two servers is two conversations.
 */
export function sessionKeysFor(
  message: InboundMessage,
  agentId: string,
): { session: string; peerId: string } {
  if (message.kind === "direct") {
    return {
      session: `agent:${agentId}:${sessionKey(message.sender.userID, message.accountId)}`,
      peerId: message.sender.userID,
    };
  }
  const groupID = message.groupID ?? message.target.id;
  return {
    session: `agent:${agentId}:${groupSessionKey(groupID, message.accountId)}`,
    peerId: groupPeerId(groupID, message.accountId),
  };
}

/**
 * One normalized inbound OpenIM message → policy → OpenClaw route, context and turn; the reply goes back
 * on the same account. Returns what happened ("dispatched", or why not); `recorder` (delivery.ts) is told
 * how far the turn got, nothing else goes back to the gateway.
 */
export async function handleInbound(
  ctx: InboundContext,
  message: InboundMessage,
  recorder: TurnRecorder = UNRECORDED,
): Promise<"dispatched" | string> {
  const decision = await admitMessage(ctx, message);
  if (!decision.admit) {
    // Unanswered group talk is kept (bounded) as context for the next message the bot answers there.
    if (decision.reason === "no-mention") {
      const selfNames = [ctx.account.userID, message.mentionNames?.[ctx.account.userID] ?? ""];
      groupHistoryOf(ctx.client).record(
        message,
        inboundBody(message, { selfNames }),
        ctx.channel?.historyLimit ?? DEFAULT_HISTORY_LIMIT,
      );
    }
    ctx.log.debug?.(
      `[multi-openim] ${message.accountId}: ignored ${message.kind} message from ${message.sender.userID} (${decision.reason})`,
    );
    return decision.reason;
  }
  await recorder.admitted();
  // Handled messages show as read to the sender (in their own conversation, si_… or sg_…); the client
  // coalesces marks per conversation.
  ctx.client
    .markRead(message.conversationID, message.seq)
    .catch((error: unknown) =>
      ctx.log.debug?.(
        `[multi-openim] ${message.accountId}: mark read failed (${message.conversationID}): ${errorText(error)}`,
      ),
    );
  const { runtime, account } = ctx;
  const peerKind = message.kind === "direct" ? "direct" : "group";
  const baseRoute = runtime.routing.resolveAgentRoute({
    cfg: ctx.cfg,
    channel: CHANNEL_ID,
    accountId: account.accountId,
    peer: {
      kind: peerKind,
      id: message.kind === "direct" ? message.sender.userID : (message.groupID ?? message.target.id),
    },
    dmScope: "per-account-channel-peer",
  });
  const keys = sessionKeysFor(message, baseRoute.agentId);
  const route = { agentId: baseRoute.agentId, dmScope: baseRoute.dmScope, sessionKey: keys.session };
  const replyTo = `${CHANNEL_ID}:${formatTarget(message.target)}`;
  const media =
    message.media.length === 0
      ? NO_MEDIA
      : await resolveInboundMedia(message, {
          account,
          channel: ctx.channel,
          save: runtime.media?.saveMediaBuffer,
          log: ctx.log,
          ...(ctx.lookup ? { lookup: ctx.lookup } : {}),
        });
  // "@<userID>" and "@<the name the sender's client showed for the bot>" (OpenIM clients write the nickname).
  const selfNames = [account.userID, message.mentionNames?.[account.userID] ?? ""];
  const command = stripSelfMentions(message.text, selfNames);
  const body = inboundBody(message, { selfNames, mediaLines: media.lines, strippedText: command });
  const history = groupHistoryOf(ctx.client).take(message);
  const groupName =
    message.kind === "group"
      ? await groupNameOf(ctx.client, message.groupID ?? message.target.id)
      : undefined;
  const ingress = await runtime.inbound.ingress.resolveStable({
    channelId: CHANNEL_ID,
    accountId: account.accountId,
    cfg: ctx.cfg,
    identity: { key: "sender", entryIdPrefix: `${CHANNEL_ID}-entry` },
    subject: { stableId: message.sender.userID },
    conversation: { kind: peerKind, id: keys.peerId },
    contextBinding: {
      agentId: route.agentId,
      sessionKey: route.sessionKey,
      messageId: handoverId(message.clientMsgID, recorder.handover),
      inboundEventKind: "user_request",
    },
    // The policy admitMessage decided with, so OpenClaw's own gate agrees (pairing store included).
    ...decision.ingress,
  });
  const ctxPayload = await runtime.inbound.buildContext({
    channel: CHANNEL_ID,
    accountId: account.accountId,
    // A message handed over again gets distinct ids (here and in the ingress binding above): OpenClaw
    // would drop it as a duplicate of the turn it already took and lost — by MessageSid (its inbound
    // dedupe) and by its durable source-turn id (claimed on the session by a restart-aborted turn, which
    // outlives the restart).
    messageId: handoverId(message.serverMsgID || message.clientMsgID, recorder.handover),
    messageIdFull: handoverId(message.clientMsgID, recorder.handover),
    timestamp: message.serverTime || Date.now(),
    from: `${CHANNEL_ID}:user:${message.sender.userID}`,
    sender: { id: message.sender.userID, name: message.sender.nickname ?? message.sender.userID },
    conversation: {
      kind: peerKind,
      id: keys.peerId,
      label: message.kind === "group" ? (groupName ?? message.groupID) : message.sender.nickname,
    },
    route: {
      agentId: route.agentId,
      dmScope: route.dmScope,
      accountId: account.accountId,
      routeSessionKey: route.sessionKey,
      dispatchSessionKey: route.sessionKey,
    },
    reply: { to: replyTo, originatingTo: replyTo },
    message: {
      body,
      bodyForAgent: body,
      rawBody: command || body,
      commandBody: command,
      ...(history.length > 0 ? { inboundHistory: history } : {}),
      // A voice message: OpenClaw transcribes the audio (where configured) and knows it was spoken.
      ...(isVoiceMessage(message) ? { sourceModality: "voice" } : {}),
    },
    ...(media.facts.length > 0 ? { media: media.facts } : {}),
    access: {
      mentions: {
        canDetectMention: true,
        wasMentioned: message.mentionsSelf || message.quotesSelf === true,
        requireMention: decision.requireMention,
      },
    },
    channelIngress: ingress,
  });
  const reply = createReplier(ctx, message);
  // Answers, not notices: OpenClaw's own failure notices (e.g. "⚠️ Gateway is restarting…" when a
  // SIGTERM aborts the run) go out to the sender but leave the message unanswered (turn-adoption.ts).
  let repliesSent = 0;
  const deliver = async (payload: ReplyPayloadLike, info: DeliveryInfo) => {
    if (info.kind === "tool") return;
    await reply(payload);
    if (isFailureNotice(payload)) return;
    repliesSent += 1;
    recorder.replied();
  };
  const adoption = trackTurnAdoption(() => recorder.adopted());
  const result = await runtime.inbound.dispatch({
    cfg: ctx.cfg,
    channel: CHANNEL_ID,
    accountId: account.accountId,
    route,
    ctxPayload,
    delivery: {
      deliver,
      onError: (error) =>
        ctx.log.error(`[multi-openim] ${account.accountId}: reply failed: ${errorText(error)}`),
    },
    replyOptions: { sourceReplyDeliveryMode: "automatic", ...adoption.replyOptions },
    replyPipeline: withTyping(ctx, message),
  });
  await adoption.settled(ctx.abortSignal ?? new AbortController().signal);
  if (repliesSent === 0 && turnWentUnanswered(result))
    throw new TurnNotAnsweredError("OpenClaw's turn ended without an answer (its agent run failed)");
  if (result.admission && result.admission.kind !== "dispatch") return `declined:${result.admission.kind}`;
  return "dispatched";
}

const isVoiceMessage = (message: InboundMessage) =>
  !message.text && message.media.length === 1 && message.media[0]?.kind === "audio";

/** OpenClaw's typing callbacks around the turn (typing.ts); none for clients without input states. */
function withTyping(ctx: InboundContext, message: InboundMessage): Record<string, unknown> {
  const typing = typingForTurn(ctx.client, message, ctx.log);
  return typing ? { typing } : {};
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * This process's mark in hand-over ids: a message replayed after one restart and again after the next
 * would otherwise reuse `#1`, which OpenClaw remembers from the process before (seen in the soak).
 */
const PROCESS_MARK = `${Date.now().toString(36)}${process.pid.toString(36)}`;

/** The message id OpenClaw sees for the n-th hand-over of one message (0: the message's own id). */
export function handoverId(id: string, handover: number): string {
  return handover > 0 ? `${id}#${PROCESS_MARK}.${handover}` : id;
}
