import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests: a test that starts an account without its own stateDir must not write the crash
// journal under the developer's real ~/.openclaw.
export default defineConfig({
  test: {
    env: { OPENCLAW_STATE_DIR: mkdtempSync(join(tmpdir(), "mo-plugin-unit-state-")) },
    // The channel imports the account runtime on the first startAccount (channel.ts). Loaded up front here
    // so a test's bounded waits time the start itself, not vitest transforming the gateway's sources on a
    // busy machine; the dynamic import still runs (and dist.test.ts / the e2e tests load the real chunks).
    setupFiles: ["./src/gateway.ts"],
  },
});
