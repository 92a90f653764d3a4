import type { ChannelConfig, ResolvedAccount } from "@multi-openim/core";
import { fetchMedia } from "./media-fetch.js";
import { type LookupAll, openimEndpointsOf } from "./net-guard.js";
import type { SaveMediaBuffer } from "./runtime-types.js";
import type { InboundMessage, Logger } from "./types.js";

/** What OpenClaw's `buildContext({media})` takes per attachment. */
export interface MediaFact {
  path: string;
  contentType?: string;
  kind: "image" | "video" | "audio" | "document";
  fileName?: string;
  sizeBytes: number;
  /** Voice and video messages carry their length: OpenClaw's transcription and the agent see it. */
  durationMs?: number;
  messageId?: string;
}

export interface InboundMediaResult {
  facts: MediaFact[];
  /** One line per attachment for the agent's text: what arrived, or why it could not be loaded. */
  lines: string[];
}

export interface InboundMediaOptions {
  account: Pick<ResolvedAccount, "apiAddr" | "wsAddr">;
  channel?: Pick<ChannelConfig, "mediaMaxMb" | "mediaAllowHosts"> | undefined;
  save?: SaveMediaBuffer | undefined;
  log: Logger;
  timeoutMs?: number;
  lookup?: LookupAll;
}

const KIND = { image: "image", video: "video", audio: "audio", file: "document" } as const;

/**
 * Downloads each attachment through the SSRF guard into OpenClaw's media store. A refused or failed
 * download never drops the message: the agent gets a short note instead of the file.
 */
export async function resolveInboundMedia(
  message: InboundMessage,
  options: InboundMediaOptions,
): Promise<InboundMediaResult> {
  const facts: MediaFact[] = [];
  const lines: string[] = [];
  const maxBytes = Math.floor((options.channel?.mediaMaxMb ?? 20) * 1024 * 1024);
  for (const media of message.media) {
    const seconds = media.durationSec ? `, ${Math.round(media.durationSec)} s` : "";
    const label = `${media.kind}${media.name ? `: ${media.name}` : ""}${seconds}`;
    try {
      if (!options.save) throw new Error("OpenClaw's media store is not available");
      const got = await fetchMedia(media.url, {
        trustedEndpoints: openimEndpointsOf(options.account),
        allowHosts: options.channel?.mediaAllowHosts ?? [],
        maxBytes,
        timeoutMs: options.timeoutMs ?? 30_000,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      });
      const fileName = media.name ?? got.fileName;
      const contentType = got.contentType ?? media.mimeType;
      const saved = await options.save(got.buffer, contentType, "inbound", maxBytes, fileName);
      facts.push({
        path: saved.path,
        kind: KIND[media.kind as keyof typeof KIND] ?? "document",
        sizeBytes: saved.size,
        ...((saved.contentType ?? contentType) ? { contentType: saved.contentType ?? contentType } : {}),
        ...(fileName ? { fileName } : {}),
        ...(media.durationSec ? { durationMs: Math.round(media.durationSec * 1000) } : {}),
        messageId: message.clientMsgID,
      });
      lines.push(`[${label}] (attached)`);
    } catch (error) {
      const detail = (error instanceof Error ? error.message : String(error)).replace(/^\[media\] /, "");
      options.log.warn(`[multi-openim] ${message.accountId}: ${media.kind} not downloaded: ${detail}`);
      // The agent gets a generic reason: hosts, ports and addresses would let a sender probe the network.
      lines.push(`[${label}] (not downloaded: ${agentReason(error)})`);
    }
  }
  return { facts, lines };
}

function agentReason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (code === "MEDIA_REFUSED" && /too large/.test((error as Error).message)) return "larger than mediaMaxMb";
  if (code === "MEDIA_REFUSED") return "not from an allowed host";
  return "download failed";
}
