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

/** The files `entry` loads before it runs: its static `./` imports, transitively (dynamic ones left out). */
function staticGraph(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    const code = readFileSync(new URL(file, dist), "utf8");
    files.set(file, code);
    for (const match of code.matchAll(
      /^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"|^import\s*"\.\/([^"]+)"/gm,
    ))
      visit((match[1] ?? match[2]) as string);
  };
  visit(entry);
  return files;
}

// A gateway imports the entry several times per start (OpenClaw loads the plugin once per purpose): what
// an account needs to run is imported by the first startAccount, the login flow by the first login.
test("index.mjs loads neither the account runtime nor Node's HTTP client before an account starts", () => {
  const graph = staticGraph("index.mjs");
  const code = [...graph.values()].join("\n");
  const regions = new Set([...code.matchAll(/^\/\/#region (\S+)/gm)].map((m) => m[1] as string));
  const lazy = [
    "../client/dist/",
    "../token-refresh/dist/",
    "@openim/",
    "/ioredis/",
    "src/gateway.ts",
    "src/inbound.ts",
  ];
  expect([...regions].filter((r) => lazy.some((l) => r.includes(l)))).toEqual([]);
  for (const builtin of ["node:http", "node:https", "node:tls"])
    expect(code).not.toContain(`from "${builtin}"`);
  // …and the lazy chunks are there for the first start to import.
  const dynamic = [...code.matchAll(/import\("\.\/([^"]+)"\)/g)].map((m) => m[1] as string);
  const gatewayChunk = dynamic.find((f) =>
    readFileSync(new URL(f, dist), "utf8").includes("//#region src/gateway.ts"),
  );
  expect(gatewayChunk).toBeDefined();
  expect(
    dynamic.some((f) => readFileSync(new URL(f, dist), "utf8").includes("//#region ../client/dist/")),
  ).toBe(true);
});

// OpenClaw loads the doctor contract at every gateway start (legacy config rules) and in `openclaw doctor`,
// apart from the plugin: it reads core's schema-free entry (@multi-openim/core/base), not the config
// schema and zod (importing it took 65–88 ms with them, 30–36 ms without, measured alone).
test("doctor-contract-api.mjs loads neither zod, nor the config schema, nor the plugin", () => {
  const graph = staticGraph("doctor-contract-api.mjs");
  const code = [...graph.values()].join("\n");
  const regions = [...code.matchAll(/^\/\/#region (\S+)/gm)].map((m) => m[1] as string);
  expect(regions.filter((r) => /\/zod@|src\/(entry|channel|plugin|config)\.ts/.test(r))).toEqual([]);
  // core's schema-free entry only: its root entry (with the schema) is a region of its own when bundled.
  expect(regions).not.toContain("../core/dist/index.mjs");
  expect(regions.some((r) => r.startsWith("../core/dist/"))).toBe(true);
  expect(regions.some((r) => r.includes("src/doctor-legacy.ts"))).toBe(true);
});
