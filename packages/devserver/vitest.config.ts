import { defineConfig } from "vitest/config";

// The SDK reconnects every ~5 s: a reconnect test needs ~20 s, so the default is generous and each test bounds itself.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 15_000,
    // The SDK prints a banner and an object dump during sync whatever its log level: keep test output readable.
    onConsoleLog: (log) => !/OpenIMSDK|unreadCount|WebSocket is not open/.test(log),
  },
});
