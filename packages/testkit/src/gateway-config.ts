import { cp, mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openclawArgs, PLUGIN_DIR } from "./openclaw-env.js";

/**
 * A snapshot of the built plugin in `root/plugin`: OpenClaw refuses to reload a plugin whose folder
 * changed, and the package folder changes under a running test (vitest caches, rebuilds).
 */
export async function snapshotPlugin(root: string): Promise<string> {
  const pluginDir = join(root, "plugin");
  await mkdir(pluginDir);
  await cp(join(PLUGIN_DIR, "dist"), join(pluginDir, "dist"), { recursive: true });
  for (const file of ["package.json", "openclaw.plugin.json"])
    await cp(join(PLUGIN_DIR, file), join(pluginDir, file));
  await symlink(join(PLUGIN_DIR, "node_modules"), join(pluginDir, "node_modules"));
  return pluginDir;
}

export interface GatewayConfigOptions {
  port: number;
  /** The scripted OpenAI-compatible model server. */
  modelBaseUrl: string;
  pluginDir: string;
  /** The `channels.multi-openim` block. */
  channel: Record<string, unknown>;
  /** Name of the model provider in the config (default "fake"). */
  provider?: string;
}

/** openclaw.json for a headless gateway on loopback, no auth, with only this plugin and the scripted model. */
export function gatewayConfig(options: GatewayConfigOptions): Record<string, unknown> {
  const provider = options.provider ?? "fake";
  return {
    gateway: { mode: "local", port: options.port, bind: "loopback", auth: { mode: "none" } },
    models: {
      providers: {
        [provider]: {
          baseUrl: options.modelBaseUrl,
          api: "openai-completions",
          apiKey: "not-needed",
          models: [{ id: "echo-1", name: "echo", contextWindow: 200000, maxTokens: 4096 }],
        },
      },
    },
    agents: { defaults: { model: { primary: `${provider}/echo-1` } } },
    tools: { toolSearch: false },
    // Only this plugin: the bundled ones are not needed and slow the start down.
    plugins: {
      allow: ["multi-openim-channel"],
      load: { paths: [options.pluginDir] },
      entries: { "multi-openim-channel": { enabled: true } },
    },
    channels: { "multi-openim": options.channel },
  };
}

export async function writeGatewayConfig(file: string, config: Record<string, unknown>): Promise<void> {
  await writeFile(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}

/** `openclaw gateway run` on loopback without auth, on the Node that runs the tests. */
export function gatewayRunArgs(port: number): [string, string[]] {
  return openclawArgs("gateway", "run", "--port", String(port), "--bind", "loopback", "--auth", "none");
}
