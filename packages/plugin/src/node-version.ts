import { MultiOpenimError } from "@multi-openim/core";

/** OpenClaw's own floor (its engines field), and the plugin's: the OpenIM SDK needs the global WebSocket too. */
export const PLUGIN_NODE_MIN = "24.16.0";

/** One line with the fix when `version` (process.versions.node) is older than the plugin needs, else undefined. */
export function nodeVersionProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const [needMajor = 0, needMinor = 0] = PLUGIN_NODE_MIN.split(".").map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `[multi-openim] needs Node >= ${PLUGIN_NODE_MIN} (this gateway runs v${version}${
    typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function"
      ? ""
      : ", without a global WebSocket"
  }): run OpenClaw with Node 24.16 or newer`;
}

/**
 * Checks the Node version when OpenClaw registers the plugin, before any account starts: on an older
 * Node every login would fail later with an SDK message that reads like the server's fault.
 */
export function withNodeCheck<T extends { register: (api: never) => void }>(
  entry: T,
  version: () => string = () => process.versions.node,
): T {
  const register = entry.register;
  entry.register = (api: never) => {
    const problem = nodeVersionProblem(version());
    if (problem) throw new MultiOpenimError("CONFIG_INVALID", problem);
    register.call(entry, api);
  };
  return entry;
}
