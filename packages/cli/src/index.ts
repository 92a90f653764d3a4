export { type CommandContext, registerSetupCommands } from "./commands.js";
export { checkTokenOverRest, detectSwappedPorts, type RestCheck } from "./connection-rest.js";
export type {
  ConnectionAccount,
  ConnectionFailureReason,
  ConnectionResult,
  ConnectionTester,
  ConnectionTestOptions,
} from "./connection-types.js";
export { EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
export { type CliIo, processIo } from "./io.js";
export type { WizardPrompterLike } from "./prompter-ui.js";
export { CLI_VERSION, createProgram, runCli } from "./run-cli.js";
export type { SetupFlags } from "./setup-flags.js";
export { type AccountAnswers, type FlowContext, nextSteps } from "./setup-flow.js";
export { answersBlock, answersFromFlags, answersFromPrompter, realTestConnection } from "./setup-openclaw.js";
export { maskToken } from "./token-info.js";
