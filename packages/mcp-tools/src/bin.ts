#!/usr/bin/env node
import { createRequire } from "node:module";
import { isMultiOpenimError, redactTokensInText } from "@multi-openim/core";
import { serveMcp } from "./serve.js";

// dist/bin.mjs and src/bin.ts both sit one level below package.json.
const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

// A long-lived server for a desktop client: a stray rejection inside a connection (the SDK has some) is
// logged, not allowed to end every account's session.
process.on("unhandledRejection", (reason) => {
  const text = reason instanceof Error ? reason.message : String(reason);
  process.stderr.write(`[multi-openim-mcp] error unhandled rejection: ${redactTokensInText(text)}\n`);
});

// The one top-level catch: a known error becomes its message and exit code 1 (2 for usage), nothing else prints.
try {
  await serveMcp({
    argv: process.argv.slice(2),
    version,
    onStopSignal: (stop) => {
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    },
  });
  process.exit(0);
} catch (error) {
  const message = isMultiOpenimError(error)
    ? error.message
    : `unexpected: ${(error as Error)?.stack ?? error}`;
  process.stderr.write(`${redactTokensInText(message)}\n`);
  process.exit(isMultiOpenimError(error) && error.code === "CLI_USAGE" ? 2 : 1);
}
