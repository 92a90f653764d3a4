import { CHANNEL_ID, LEGACY_CHANNEL_FIELDS } from "@multi-openim/core/base";
import { channelBlockOf } from "./config-block.js";
import { restoreCommentsAtExit } from "./config-comments.js";

type Json = Record<string, unknown>;
const ROOT = `channels.${CHANNEL_ID}`;

/** `openclaw doctor --lint` reports each 0.1.0 channel-level field; `--fix` runs moveLegacyAccount. */
export const legacyConfigRules = LEGACY_CHANNEL_FIELDS.map((field) => ({
  path: ["channels", CHANNEL_ID, field],
  message: `${ROOT}.${field} is 0.1.0's single-account form and is ignored: run "openclaw doctor --fix" to move it into a named account under ${ROOT}.accounts`,
}));

/** Where 0.1.0's channel-level account goes: "primary", or the first free "legacy…" name. */
function targetName(accounts: Json): string {
  if (!("primary" in accounts)) return "primary";
  for (let n = 1; ; n++) {
    const name = n === 1 ? "legacy" : `legacy-${n}`;
    if (!(name in accounts)) return name;
  }
}

/**
 * 0.1.0's single-account form (`token`/`wsAddr`/… on the channel) moved into a named account. When
 * something moves, `doctor --fix` is about to write the config as plain JSON: its comments come back at exit.
 */
export function moveLegacyAccount(cfg: unknown): { config: Json; changes: string[] } {
  const block = channelBlockOf(cfg) as Json | undefined;
  const present = LEGACY_CHANNEL_FIELDS.filter((f) => block?.[f] !== undefined);
  if (!block || present.length === 0) return { config: cfg as Json, changes: [] };
  const config = structuredClone(cfg as Json);
  const next = (config.channels as Json)[CHANNEL_ID] as Json;
  next.accounts ??= {};
  const accounts = next.accounts as Json;
  const name = targetName(accounts);
  const account: Json = {};
  for (const field of present) {
    account[field] = next[field];
    delete next[field];
  }
  accounts[name] = account;
  restoreCommentsAtExit();
  return {
    config,
    changes: [
      `moved ${ROOT}.{${present.join(", ")}} (the 0.1.0 single-account form) into ${ROOT}.accounts.${name}`,
    ],
  };
}
