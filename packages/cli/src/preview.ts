import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { patchJson5File } from "@multi-openim/core";
import { structuredPatch } from "diff";
import type { LoadedConfig } from "./config-file.js";
import { configTextSecrets } from "./secret-values.js";
import { maskToken } from "./token-info.js";

export interface ConfigPatch {
  keyPath: string[];
  value: unknown;
}

export interface Preview {
  /** The exact text the real write will produce. */
  after: string;
  warnings: string[];
}

/**
 * Runs the same patches on a private copy of the file, so the diff shown (and --dry-run) is exactly what the
 * real write produces; the copy lives in a 0700 temp dir and is removed at once (it holds the token).
 */
export async function previewPatches(config: LoadedConfig, patches: ConfigPatch[]): Promise<Preview> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "multi-openim-setup-"));
  try {
    const copy = path.join(dir, "openclaw.json");
    if (config.exists) await fs.writeFile(copy, config.text, { mode: 0o600 });
    const warnings: string[] = [];
    for (const patch of patches) {
      const result = await patchJson5File(copy, patch.keyPath, patch.value);
      if (result.backupPath) {
        warnings.push(
          `comments and formatting in ${config.path} cannot be kept for this edit; the original will be saved once as ${config.path}.bak`,
        );
      }
    }
    return { after: await fs.readFile(copy, "utf8"), warnings: [...new Set(warnings)] };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Masks every known secret, longest first, so a token that contains another is masked whole. */
export function maskSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of [...new Set(secrets)]
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(maskToken(secret));
  }
  return out;
}

/**
 * A unified diff of the config file with secrets masked: the ones given, and every account token,
 * tokenRefresh header and body value and URL query value in either text; empty when nothing changes.
 */
export function renderDiff(file: string, before: string, after: string, given: string[]): string {
  const secrets = [...given, ...configTextSecrets(before), ...configTextSecrets(after)];
  const patch = structuredPatch(
    file,
    file,
    maskSecrets(before, secrets),
    maskSecrets(after, secrets),
    undefined,
    undefined,
    { context: 3 },
  );
  if (patch.hunks.length === 0) return "";
  const lines = [`--- ${file}`, `+++ ${file}`];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    lines.push(...hunk.lines.filter((line) => !line.startsWith("\\")));
  }
  return lines.join("\n");
}
