import { readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The folder of an installed package, found from the workspace packages that depend on it. */
function packageDir(name: string): string | undefined {
  const from = ["plugin", "core", "cli", "mcp-tools", "token-refresh", "client"].map(
    (p) => new URL(`../${p}/package.json`, import.meta.url).pathname,
  );
  for (const base of from) {
    try {
      return dirname(realpathSync(createRequire(base).resolve(`${name}/package.json`)));
    } catch {
      // not reachable from this package (or its exports hide package.json): try the next
    }
  }
  for (const base of from) {
    const dir = join(dirname(base), "node_modules", name);
    try {
      return realpathSync(dir);
    } catch {
      // not linked here
    }
  }
  return undefined;
}

/** Licence texts of the packages inlined into dist (MIT and friends ask for their notice in copies). */
export function writeBundledLicenses(names: readonly string[], target: URL): void {
  const parts: string[] = [];
  for (const name of names) {
    const dir = packageDir(name);
    if (!dir) continue; // a transitive package only some versions pull in
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      version: string;
      license?: string;
    };
    const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    const text = file
      ? readFileSync(join(dir, file), "utf8").trim()
      : `License: ${pkg.license ?? "see package"}`;
    parts.push(`${name}@${pkg.version} (${pkg.license ?? "?"})\n\n${text}\n`);
  }
  writeFileSync(target, `Third-party packages bundled into this plugin's dist\n\n${parts.join("\n---\n\n")}`);
}
