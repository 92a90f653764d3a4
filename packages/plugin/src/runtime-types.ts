/**
 * The slice of OpenClaw's channel runtime (`ctx.channelRuntime` / `api.runtime.channel`) that this
 * channel calls, typed loosely on purpose: the SDK marks these experimental, and the unit tests
 * drive the channel through doubles of exactly this surface. The e2e test proves it on the real one.
 */
export interface RoutePeer {
  kind: "direct" | "group";
  id: string;
}

export interface ResolvedRoute {
  agentId: string;
  accountId?: string;
  sessionKey: string;
  dmScope?: string;
}

export interface ReplyPayloadLike {
  text?: string;
  mediaUrl?: string;
  mediaUrls?: string[];
  /** Set by OpenClaw's reply threading (replyToMode, [[reply_to_current]]): quote the message answered. */
  replyToId?: string;
  /** Audio to go out as a voice message (OpenClaw TTS, `[[audio_as_voice]]`). */
  audioAsVoice?: boolean;
  isError?: boolean;
}

export interface DeliveryInfo {
  kind: string;
}

export interface DispatchParams {
  cfg: unknown;
  channel: string;
  accountId: string;
  route: { agentId: string; dmScope?: string; sessionKey: string };
  ctxPayload: unknown;
  delivery: {
    deliver: (payload: ReplyPayloadLike, info: DeliveryInfo) => Promise<void>;
    onError?: (error: unknown, info: DeliveryInfo) => void;
  };
  replyOptions?: Record<string, unknown>;
  replyPipeline?: Record<string, unknown>;
}

/** OpenClaw's media store (`runtime.channel.media.saveMediaBuffer`): files land in its media dir. */
export type SaveMediaBuffer = (
  buffer: Buffer,
  contentType?: string,
  subdir?: string,
  maxBytes?: number,
  originalFilename?: string,
) => Promise<{ id: string; path: string; size: number; contentType?: string }>;

export interface InboundChannelRuntime {
  media?: { saveMediaBuffer?: SaveMediaBuffer };
  routing: {
    resolveAgentRoute(input: {
      cfg: unknown;
      channel: string;
      accountId: string;
      peer: RoutePeer;
      dmScope?: string;
    }): ResolvedRoute;
  };
  inbound: {
    ingress: { resolveStable(params: Record<string, unknown>): Promise<unknown> };
    buildContext(params: Record<string, unknown>): unknown;
    dispatch(params: DispatchParams): Promise<{ admission?: { kind: string }; dispatched?: boolean }>;
  };
}
