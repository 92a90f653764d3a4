import { promises as fs } from "node:fs";
import path from "node:path";
import { CHANNEL_ID, expandHome, MultiOpenimError, resolveOpenClawConfigPath } from "@multi-openim/core";
import JSON5 from "json5";

/** `--config` wins; otherwise OpenClaw's own rules ($OPENCLAW_CONFIG_PATH, $OPENCLAW_STATE_DIR, ~/.openclaw). */
export function configPathFrom(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag?.trim()) return path.resolve(expandHome(flag.trim()));
  return path.resolve(resolveOpenClawConfigPath(env));
}

export interface LoadedConfig {
  path: string;
  exists: boolean;
  /** The exact bytes, so a failed run can prove it left them alone. */
  text: string;
  data: Record<string, unknown>;
  /** `channels.multi-openim` as written, or undefined. */
  channel: Record<string, unknown> | undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") {
      return { path: file, exists: false, text: "", data: {}, channel: undefined };
    }
    throw new MultiOpenimError(
      "FILE_READ",
      `[multi-openim] cannot read ${file}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === "" ? {} : JSON5.parse(text);
  } catch (cause) {
    throw new MultiOpenimError(
      "FILE_READ",
      `[multi-openim] ${file} is not valid JSON5 (${(cause as Error).message}): fix it or pass --config <path>`,
      { cause },
    );
  }
  const data = asObject(parsed);
  if (!data)
    throw new MultiOpenimError("FILE_READ", `[multi-openim] ${file} must hold a JSON object at the top`);
  const channel = asObject(asObject(data.channels)?.[CHANNEL_ID]);
  return { path: file, exists: true, text, data, channel };
}

export function existingAccounts(config: LoadedConfig): Record<string, unknown> {
  // Null prototype: `"constructor" in accounts` must not find Object.prototype's member.
  return Object.assign(Object.create(null), asObject(config.channel?.accounts));
}

/** Every token already in the channel block, so a diff can mask them all. */
export function knownTokens(config: LoadedConfig): string[] {
  return Object.values(existingAccounts(config))
    .map((account) => asObject(account)?.token)
    .filter((token): token is string => typeof token === "string" && token.length > 0);
}
