import * as clack from "@clack/prompts";
import { MultiOpenimError } from "@multi-openim/core";
import type { CliIo } from "./io.js";
import type { AskText, SetupUi } from "./ui.js";

function answered<T>(value: T): Exclude<T, symbol> {
  if (clack.isCancel(value)) {
    throw new MultiOpenimError("STOPPED", "[multi-openim] setup cancelled; nothing was written");
  }
  return value as Exclude<T, symbol>;
}

function validator(ask: AskText) {
  return (value: string | undefined) => {
    const v = (value ?? "").trim() || ask.defaultValue || "";
    return ask.validate?.(v) ?? undefined;
  };
}

/** The interactive wizard's terminal: @clack/prompts on the given streams (hidden token input, spinners). */
export function clackUi(io: CliIo): SetupUi {
  const common = { input: io.stdin, output: io.stdout };
  return {
    interactive: true,
    async text(ask) {
      const value = answered(
        await clack.text({
          ...common,
          message: ask.message,
          placeholder: ask.placeholder ?? ask.defaultValue,
          defaultValue: ask.defaultValue,
          validate: validator(ask),
        }),
      );
      return value.trim() || ask.defaultValue || "";
    },
    async secret(ask) {
      return answered(
        await clack.password({ ...common, message: ask.message, validate: validator(ask) }),
      ).trim();
    },
    async confirm(message, initialValue) {
      return answered(await clack.confirm({ ...common, message, initialValue }));
    },
    async select(message, options, initialValue) {
      const opts = options.map((o) => ({
        value: o.value,
        label: o.label,
        ...(o.hint ? { hint: o.hint } : {}),
      }));
      // clack's option type is a conditional over the value type; the cast keeps this generic.
      const pick = clack.select as (o: unknown) => Promise<string | symbol>;
      return answered(
        await pick({ ...common, message, options: opts, initialValue }),
      ) as typeof initialValue & string;
    },
    info: (message) => clack.log.info(message, common),
    warn: (message) => clack.log.warn(message, common),
    success: (message) => clack.log.success(message, common),
    note: (body, title) => clack.note(body, title, common),
    async progress(message, run, describe) {
      const spin = clack.spinner(common);
      spin.start(message);
      try {
        const result = await run();
        const { ok, message: closing } = describe(result);
        if (ok) spin.stop(closing);
        else spin.error(closing);
        return result;
      } catch (error) {
        spin.error(message);
        throw error;
      }
    },
    end: (message) => clack.outro(message, common),
  };
}
