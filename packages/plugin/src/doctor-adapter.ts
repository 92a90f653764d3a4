import { CHANNEL_ID, resolveOpenClawConfigPath, validateChannelConfig } from "@multi-openim/core";
import { channelBlockOf } from "./config.js";
import { checkFileModes, staleMarkers } from "./doctor-files.js";
import { legacyConfigRules, moveLegacyAccount } from "./doctor-legacy.js";

export { moveLegacyAccount };

type Json = Record<string, unknown>;
const ROOT = `channels.${CHANNEL_ID}`;

/**
 * `openclaw doctor`: the legacy channel-level account as a fix (`--lint` reports it, `--fix` moves it),
 * stale manual-login markers, config and token files readable by others, everything core's validation
 * says, and why there is no default account (OpenClaw's own check advises one; this channel has none on purpose).
 */
export function createDoctorAdapter(deps: { env?: NodeJS.ProcessEnv } = {}) {
  const env = () => deps.env ?? process.env;
  return {
    legacyConfigRules,
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
      // A 0.1.0 field gets the legacy rule's words: they name the fix (`doctor --fix` moves it).
      const legacy = new Map(legacyConfigRules.map((r) => [r.path.join("."), r.message]));
      const lines = [...errors, ...warnings].map((i) => `- ${i.path}: ${legacy.get(i.path) ?? i.message}`);
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
