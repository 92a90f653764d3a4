import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests: a test that starts an account without its own stateDir must not write the crash
// journal under the developer's real ~/.openclaw.
export default defineConfig({
  test: {
    env: { OPENCLAW_STATE_DIR: mkdtempSync(join(tmpdir(), "mo-plugin-unit-state-")) },
  },
});
