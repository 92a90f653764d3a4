import { Command } from "commander";
import pkg from "../package.json" with { type: "json" };
import { type CommandContext, registerSetupCommands } from "./commands.js";
import { EXIT_OK, reportCliError } from "./exit-codes.js";
import { type CliIo, processIo } from "./io.js";

export const CLI_VERSION: string = pkg.version;

/** Builds the `multi-openim` program; commander errors become exceptions so runCli decides the exit code. */
export function createProgram(io: CliIo, context: Omit<CommandContext, "io"> = {}): Command {
  const program = new Command("multi-openim")
    .description("Set up and check multi-openim accounts in OpenClaw's config (openclaw.json)")
    .version(CLI_VERSION, "-v, --version")
    .exitOverride()
    .showHelpAfterError("(run multi-openim --help for usage)")
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 error (connection failed, bad config file), 2 bad usage (missing or invalid flags).",
    );
  return registerSetupCommands(program, { ...context, io });
}

/** Runs one command line (without "node" and the script) and resolves to its exit code. */
export async function runCli(
  argv: string[],
  io: CliIo = processIo(),
  context: Omit<CommandContext, "io"> = {},
): Promise<number> {
  let code = EXIT_OK;
  const program = createProgram(io, { ...context, setExitCode: (c) => (code = c) });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    return await reportCliError(error, io);
  }
  return code;
}
