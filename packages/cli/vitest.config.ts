import { defineConfig } from "vitest/config";

// Every test spawns the built bin (and some log in through the SDK): one file at a time keeps a shared
// 2-core machine responsive, and each test bounds its own time.
export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 15_000,
  },
});
