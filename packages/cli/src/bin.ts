#!/usr/bin/env node
import { runCli } from "./run-cli.js";

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// A connection test may leave an SDK timer behind; a CLI must still end once its work is done.
setTimeout(() => process.exit(code), 1000).unref();
