// Import after ../ts-resolve.ts under plain Node (the plugin's e2e harness sources import by ".js").
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { snapshotPlugin } from "../../../plugin/src/e2e/gateway-config.ts";
import { PLUGIN_DIR } from "../../../plugin/src/e2e/openclaw-env.ts";
import { sleep } from "../stats.ts";

/** Names, sizes and times of the plugin's built files: equal twice in a row = no build in progress. */
async function distSignature(): Promise<string> {
  const dist = join(PLUGIN_DIR, "dist");
  const names = (await readdir(dist).catch(() => [] as string[])).sort();
  const parts = await Promise.all(
    names.map(async (n) => {
      const s = await stat(join(dist, n)).catch(() => undefined);
      return `${n}:${s?.size}:${s?.mtimeMs}`;
    }),
  );
  return names.includes("index.mjs") ? parts.join("|") : "";
}

/**
 * The plugin's e2e snapshot (`root/plugin`), taken when packages/plugin/dist is not being rebuilt:
 * in a working tree shared with someone building the plugin, a copy taken mid-build leaves OpenClaw
 * without the channel ("config is invalid"). Waits for two equal looks 2 s apart, at most `timeoutMs`.
 */
export async function stablePluginCopy(root: string, timeoutMs = 60_000): Promise<string> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const before = await distSignature();
    await sleep(2000);
    if (before && before === (await distSignature())) {
      await rm(join(root, "plugin"), { recursive: true, force: true });
      const dir = await snapshotPlugin(root);
      if ((await distSignature()) === before || performance.now() > end) return dir;
    } else if (performance.now() > end) {
      throw new Error(`[faults] packages/plugin/dist did not settle in ${timeoutMs} ms (is it built?)`);
    }
  }
}
