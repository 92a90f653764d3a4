import { defineConfig } from "vitest/config";

// The slow tests against a real OpenClaw: packed-tarball install and the gateway end to end.
// Run one file at a time (a gateway takes ~1 GB and the machine is shared).
export default defineConfig({
  test: {
    include: ["src/**/*.e2e.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
