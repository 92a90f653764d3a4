import { MultiOpenimError } from "@multi-openim/core";
import { type CliIo, writeLine } from "./io.js";

export interface AskText {
  message: string;
  defaultValue?: string;
  placeholder?: string;
  /** Returns why the answer is unusable, or null. */
  validate?: (value: string) => string | null;
}

/** What the setup flow needs from a terminal; the plain one never asks, the interactive one uses @clack/prompts. */
export interface SetupUi {
  readonly interactive: boolean;
  text(ask: AskText): Promise<string>;
  secret(ask: AskText): Promise<string>;
  confirm(message: string, initialValue: boolean): Promise<boolean>;
  select<T extends string>(
    message: string,
    options: { value: T; label: string; hint?: string }[],
    initialValue?: T,
  ): Promise<T>;
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  note(body: string, title: string): void;
  /** Shows progress while `run` works; `describe` turns its result into the closing line. */
  progress<T>(
    message: string,
    run: () => Promise<T>,
    describe: (result: T) => { ok: boolean; message: string },
  ): Promise<T>;
  end(message: string): void;
}

function neverAsks(): never {
  // The flow checks for missing flags before asking; reaching here is a bug, not a user error.
  throw new MultiOpenimError(
    "CLI_USAGE",
    "[multi-openim] a value is missing and prompts are off (--non-interactive or no TTY)",
  );
}

/** Plain lines for scripts and CI: results on stdout, warnings on stderr, no prompt ever. */
export function plainUi(io: CliIo): SetupUi {
  return {
    interactive: false,
    text: async () => neverAsks(),
    secret: async () => neverAsks(),
    confirm: async () => neverAsks(),
    select: async () => neverAsks(),
    info: (message) => writeLine(io.stdout, message),
    warn: (message) => writeLine(io.stderr, `warning: ${message}`),
    success: (message) => writeLine(io.stdout, `✓ ${message}`),
    note: (body, title) => {
      writeLine(io.stdout, `${title}:`);
      writeLine(io.stdout, body);
    },
    progress: async (message, run, describe) => {
      writeLine(io.stdout, `${message}…`);
      const result = await run();
      const { ok, message: closing } = describe(result);
      writeLine(ok ? io.stdout : io.stderr, `${ok ? "✓" : "✗"} ${closing}`);
      return result;
    },
    end: (message) => writeLine(io.stdout, message),
  };
}
