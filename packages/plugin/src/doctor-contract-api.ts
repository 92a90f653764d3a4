/**
 * The doctor contract OpenClaw loads from an installed plugin (`dist/doctor-contract-api.mjs`) without
 * loading the plugin itself: the legacy 0.1.0 rules (`openclaw doctor --lint`) and their fix (`--fix`).
 * Kept small: it imports only core.
 */
import { legacyConfigRules, moveLegacyAccount } from "./doctor-legacy.js";

export { legacyConfigRules };

export function normalizeCompatibilityConfig({ cfg }: { cfg: unknown }) {
  return moveLegacyAccount(cfg);
}
