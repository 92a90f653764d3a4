import {
  CHANNEL_ID,
  LEGACY_CHANNEL_FIELDS,
  resolveOpenClawConfigPath,
  validateChannelConfig,
} from "@multi-openim/core";
import { channelBlockOf } from "./config.js";
import { checkFileModes, staleMarkers } from "./doctor-files.js";

type Json = Record<string, unknown>;
const ROOT = `channels.${CHANNEL_ID}`;

/** Where 0.1.0's channel-level account goes: "primary", or the first free "legacy…" name. */
function targetName(accounts: Json): string {
  if (!("primary" in accounts)) return "primary";
  for (let n = 1; ; n++) {
    const name = n === 1 ? "legacy" : `legacy-${n}`;
    if (!(name in accounts)) return name;
  }
}

/** 0.1.0's single-account form (`token`/`wsAddr`/… on the channel) moved into a named account. */
export function moveLegacyAccount(cfg: unknown): { config: Json; changes: string[] } {
  const block = channelBlockOf(cfg) as Json | undefined;
  const present = LEGACY_CHANNEL_FIELDS.filter((f) => block?.[f] !== undefined);
  if (!block || present.length === 0) return { config: cfg as Json, changes: [] };
  const config = structuredClone(cfg as Json);
  const next = (config.channels as Json)[CHANNEL_ID] as Json;
  const accounts = (next.accounts ??= {}) as Json;
  const name = targetName(accounts);
  const account: Json = {};
  for (const field of present) {
    account[field] = next[field];
    delete next[field];
  }
  accounts[name] = account;
  return {
    config,
    changes: [
      `moved ${ROOT}.{${present.join(", ")}} (the 0.1.0 single-account form) into ${ROOT}.accounts.${name}`,
    ],
  };
}

/**
 * `openclaw doctor`: the legacy channel-level account as a fix (`--lint` reports it, `--fix` moves it),
 * stale manual-login markers, config and token files readable by others, everything core's validation
 * says, and why there is no default account (OpenClaw's own check advises one; this channel has none on purpose).
 */
export function createDoctorAdapter(deps: { env?: NodeJS.ProcessEnv } = {}) {
  const env = () => deps.env ?? process.env;
  return {
    legacyConfigRules: LEGACY_CHANNEL_FIELDS.map((field) => ({
      path: ["channels", CHANNEL_ID, field],
      message: `${ROOT}.${field} is 0.1.0's single-account form and is ignored: run "openclaw doctor --fix" to move it into a named account under ${ROOT}.accounts`,
    })),
    normalizeCompatibilityConfig: ({ cfg }: { cfg: unknown }) => moveLegacyAccount(cfg) as never,
    runConfigSequence: async (params: { cfg: unknown; env: NodeJS.ProcessEnv; shouldRepair: boolean }) => {
      const configPath = resolveOpenClawConfigPath(params.env ?? env());
      const [markers, modes] = await Promise.all([
        staleMarkers(params.cfg, params.shouldRepair),
        checkFileModes(params.cfg, configPath, params.shouldRepair),
      ]);
      return {
        changeNotes: [...markers.changeNotes, ...modes.changeNotes],
        warningNotes: [...markers.warningNotes, ...modes.warningNotes],
      };
    },
    collectPreviewWarnings: ({ cfg }: { cfg: unknown }) => {
      const block = channelBlockOf(cfg);
      if (block === undefined) return [];
      const { warnings, errors } = validateChannelConfig(block);
      const lines = [...errors, ...warnings].map((i) => `- ${i.path}: ${i.message}`);
      const ids = Object.keys(((block as Json).accounts as Json | undefined) ?? {});
      if (ids.length > 1) {
        lines.push(
          `- ${ROOT}: no default account, on purpose: every send, reply and tool names its account (--account <id>), so nothing is ever sent from the wrong one. OpenClaw's "no explicit default" advice does not apply here: do not add defaultAccount (the schema refuses it) or accounts.default.`,
        );
      }
      return lines;
    },
  };
}
