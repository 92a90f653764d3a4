import { CHANNEL_ALIASES, CHANNEL_ID, MultiOpenimError, parseTarget, type Target } from "@multi-openim/core";

const CHANNEL_PREFIX = new RegExp(`^(?:${[CHANNEL_ID, ...CHANNEL_ALIASES].join("|")}):`, "i");

/** "user:ID" / "group:ID", also with OpenClaw's channel prefix ("multi-openim:user:ID"); else undefined. */
export function normalizeTarget(raw: string): string | undefined {
  const target = parseTarget(raw.trim().replace(CHANNEL_PREFIX, ""));
  return target ? `${target.kind}:${target.id}` : undefined;
}

export function requireTarget(raw: string | null | undefined): Target {
  const target = parseTarget(
    String(raw ?? "")
      .trim()
      .replace(CHANNEL_PREFIX, ""),
  );
  if (!target) {
    throw new MultiOpenimError(
      "TARGET_INVALID",
      `[multi-openim] invalid target ${JSON.stringify(String(raw ?? ""))}, expected user:<id> or group:<id>`,
    );
  }
  return target;
}
