import { readFileSync, writeFileSync } from "node:fs";
import { channelConfigJsonSchema } from "@multi-openim/core";
import { MULTI_OPENIM_TOOL_NAMES } from "@multi-openim/mcp-tools";
import { expect, test } from "vitest";
import { buildManifest } from "./manifest.js";

const manifestUrl = new URL("../openclaw.plugin.json", import.meta.url);
const packageUrl = new URL("../package.json", import.meta.url);

// `pnpm run manifest` sets UPDATE_MANIFEST=1 to rewrite the file after a schema change.
test("openclaw.plugin.json is what core's schema and the tool names generate", () => {
  if (process.env.UPDATE_MANIFEST === "1")
    writeFileSync(manifestUrl, `${JSON.stringify(buildManifest(), null, 2)}\n`);
  const onDisk = readFileSync(manifestUrl, "utf8");
  // Compared as data, so formatting (biome) is free; any content drift fails.
  expect(JSON.parse(onDisk), "manifest drifted: run `pnpm run manifest` in packages/plugin").toEqual(
    buildManifest(),
  );
  const manifest = JSON.parse(onDisk);
  expect(manifest.channelConfigs["multi-openim"].schema).toEqual(channelConfigJsonSchema);
  expect(manifest.contracts.tools).toEqual([...MULTI_OPENIM_TOOL_NAMES]);
  for (const command of manifest.cliCommands) {
    // OpenClaw silently drops an entry missing any of these.
    expect(Object.keys(command).sort()).toEqual(["description", "hasSubcommands", "name"]);
  }
});

test("package.json declares the entry OpenClaw loads and openclaw as an optional pinned peer", () => {
  const pkg = JSON.parse(readFileSync(packageUrl, "utf8"));
  expect(pkg.openclaw.extensions).toHaveLength(pkg.openclaw.runtimeExtensions.length);
  expect(pkg.peerDependencies.openclaw).toMatch(/^\d+\.\d+\.\d+$/);
  expect(pkg.peerDependenciesMeta.openclaw.optional).toBe(true);
  expect(pkg.files).toContain("openclaw.plugin.json");
  // Workspace packages are bundled into dist: as dependencies they would point at unpublished versions.
  const deps = Object.keys(pkg.dependencies ?? {});
  expect(deps.filter((d) => d.startsWith("@multi-openim/"))).toEqual([]);
});
