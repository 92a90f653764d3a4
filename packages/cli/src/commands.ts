import type { Command } from "commander";
import type { ConnectionTester } from "./connection-types.js";
import { EXIT_OK, reportCliError } from "./exit-codes.js";
import { type CliIo, processIo } from "./io.js";
import { addSetupFlags, type SetupFlags } from "./setup-flags.js";
import { realTestConnection } from "./setup-openclaw.js";
import type { StatusFlags } from "./status.js";
import type { ValidateFlags } from "./validate.js";

export interface CommandContext {
  io?: CliIo;
  /** Replaces the real login (the client package); tests of other callers may pass their own. */
  testConnection?: ConnectionTester;
  /** Receives each command's exit code; default sets process.exitCode. */
  setExitCode?: (code: number) => void;
}

/**
 * Adds `setup`, `status` and `validate` to a commander program: `multi-openim` itself, or the command the plugin
 * mounts as `openclaw multi-openim`. Every action runs through reportCliError, the one place errors become text.
 */
export function registerSetupCommands(program: Command, context: CommandContext = {}): Command {
  const io = context.io ?? processIo();
  const testConnection = context.testConnection ?? realTestConnection;
  const setExitCode = context.setExitCode ?? ((code: number) => (process.exitCode = code));
  const guarded = (run: () => Promise<number>) => async () => {
    let code: number;
    try {
      code = await run();
    } catch (error) {
      // "No" to a question and Ctrl-C are choices, not failures: a plain line and exit 0.
      if ((error as { code?: string } | null)?.code === "STOPPED") {
        io.stdout.write(`${(error as Error).message.replace(/^\[multi-openim\] /, "")}\n`);
        code = EXIT_OK;
      } else code = await reportCliError(error, io);
    }
    setExitCode(code);
  };

  const setup = program
    .command("setup")
    .description("add or replace one account in channels.multi-openim (interactive, or by flags)");
  addSetupFlags(setup).action((flags: SetupFlags) =>
    guarded(async () => (await import("./setup.js")).runSetup(flags, io, { testConnection }))(),
  );

  program
    .command("status")
    .description("show each account's user and token expiry; --probe logs each in once")
    .option("--config <path>", "OpenClaw config file")
    .option("--probe", "connect each account once and report")
    .option("--json", "machine-readable output")
    .action((flags: StatusFlags) =>
      guarded(async () => (await import("./status.js")).runStatus(flags, io, testConnection))(),
    );

  program
    .command("validate")
    .description("check channels.multi-openim; every problem with its field path (exit 1 on errors)")
    .option("--config <path>", "OpenClaw config file")
    .option("--json", "machine-readable output")
    .action((flags: ValidateFlags) =>
      guarded(async () => (await import("./validate.js")).runValidate(flags, io))(),
    );
  return program;
}
