import { CHANNEL_ID } from "@multi-openim/core/base";

/** The `channels.multi-openim` block of an OpenClaw config object, if any (no schema: see doctor-legacy.ts). */
export function channelBlockOf(cfg: unknown): unknown {
  const channels = (cfg as { channels?: Record<string, unknown> } | undefined)?.channels;
  return channels?.[CHANNEL_ID];
}
