import { defineConfig, type UserConfig } from "tsdown";

/** The build every package shares: ESM + .d.mts into dist, for Node. Packages pass their entries and any extras. */
export function packageBuild(entry: string[], extra: Partial<UserConfig> = {}) {
  return defineConfig({
    entry,
    format: "esm",
    dts: true,
    clean: true,
    platform: "node",
    target: "node22",
    ...extra,
  });
}
