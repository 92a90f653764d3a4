import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { expect, test } from "vitest";

const dist = new URL("../dist/", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** "a/b/c" → "a", "@s/a/b" → "@s/a". */
const packageOf = (specifier: string) =>
  specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : (specifier.split("/")[0] as string);

test("the built dist imports only node builtins, openclaw and declared dependencies (workspace packages are inlined)", () => {
  const imported = new Set<string>();
  for (const file of readdirSync(dist).filter((f) => f.endsWith(".mjs"))) {
    const code = readFileSync(new URL(file, dist), "utf8");
    for (const match of code.matchAll(/(?<![\w$.])(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      const spec = match[1] as string;
      if (!spec.startsWith(".")) imported.add(packageOf(spec));
    }
  }
  const allowed = new Set([
    ...Object.keys(pkg.dependencies),
    "openclaw",
    ...builtinModules,
    ...builtinModules.map((m) => `node:${m}`),
  ]);
  const undeclared = [...imported].filter((name) => !allowed.has(name) && !name.startsWith("node:"));
  expect(undeclared).toEqual([]);
  expect(
    [...imported].filter((name) => name.startsWith("@multi-openim/") || name === "multi-openim"),
  ).toEqual([]);
  expect(imported.has("openclaw")).toBe(true);
});

// OpenClaw copies every declared dependency's whole package (and its dependencies) each time it loads
// the plugin: pure-JS packages are inlined by the build (tsdown.config.ts), ioredis too (in a chunk of
// its own, imported only when `store.kind` is "redis"); only the GPL SDK stays a dependency.
test("the only declared runtime dependency is the OpenIM SDK; the inlined packages' licences ship in dist", () => {
  expect(Object.keys(pkg.dependencies).sort()).toEqual(["@openim/client-sdk"]);
  const notices = readFileSync(new URL("THIRD-PARTY-LICENSES.txt", dist), "utf8");
  for (const name of ["zod@", "@sinclair/typebox@", "commander@", "@clack/prompts@", "jose@", "ioredis@"])
    expect(notices).toContain(name);
});
