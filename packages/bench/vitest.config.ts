import { defineConfig } from "vitest/config";

// The fault tests run real SDK clients against devservers (the SDK retries a socket every ~5 s).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    onConsoleLog: (log) => !/OpenIMSDK|unreadCount|WebSocket is not open/.test(log),
  },
});
