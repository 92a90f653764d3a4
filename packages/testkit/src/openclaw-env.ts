import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// The plugin package next to this one (the same from src/*.ts and from the bundled dist/index.mjs).

export const PLUGIN_DIR = fileURLToPath(new URL("../../plugin/", import.meta.url));
export const OPENCLAW_BIN = join(PLUGIN_DIR, "node_modules", "openclaw", "openclaw.mjs");

/**
 * An environment that keeps OpenClaw off the real home: HOME and the state dir in a temp folder,
 * with npm's real user config (registry settings) and cache passed through so installs still work.
 */
export async function openclawEnv(root: string, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const home = join(root, "home");
  const state = join(root, "state");
  await mkdir(home, { recursive: true });
  await mkdir(state, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    OPENCLAW_STATE_DIR: state,
    OPENCLAW_CONFIG_PATH: join(state, "openclaw.json"),
    npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), ".npmrc"),
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), ".npm"),
    NO_COLOR: "1",
    ...extra,
  };
  // Vitest's own markers would make OpenClaw think it runs under a test harness.
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  return env;
}

/** `openclaw …` on the Node that runs the tests (Node 24 from the workspace). */
export function openclawArgs(...args: string[]): [string, string[]] {
  return [process.execPath, [OPENCLAW_BIN, ...args]];
}
