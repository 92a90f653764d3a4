export { type CommandContext, registerSetupCommands } from "./commands.js";
export type {
  ConnectionAccount,
  ConnectionFailureReason,
  ConnectionResult,
  ConnectionTester,
  ConnectionTestOptions,
} from "./connection-types.js";
export { EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
export { type CliIo, processIo } from "./io.js";
export { CLI_VERSION, createProgram, runCli } from "./run-cli.js";
export { maskToken } from "./token-info.js";
