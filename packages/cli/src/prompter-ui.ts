import type { AskText, SetupUi } from "./ui.js";

/** The part of OpenClaw's WizardPrompter (`openclaw channels add`, `onboard`) the setup questions use. */
export interface WizardPrompterLike {
  note(message: string, title?: string): Promise<void>;
  text(params: {
    message: string;
    initialValue?: string;
    placeholder?: string;
    sensitive?: boolean;
    validate?: (value: string) => string | undefined;
  }): Promise<string>;
  confirm(params: { message: string; initialValue?: boolean }): Promise<boolean>;
  select<T>(params: {
    message: string;
    options: { value: T; label: string; hint?: string }[];
    initialValue?: T;
  }): Promise<T>;
  progress(label: string): { update(message: string): void; stop(message?: string): void };
}

function validator(ask: AskText) {
  return (value: string) => {
    const v = (value ?? "").trim() || ask.defaultValue || "";
    return ask.validate?.(v) ?? undefined;
  };
}

/**
 * The same questions on OpenClaw's own prompter, so `openclaw channels add` and `openclaw onboard` ask
 * exactly what `multi-openim setup` asks. Lines go out as notes (the prompter has no log).
 */
export function prompterUi(prompter: WizardPrompterLike): SetupUi {
  return {
    interactive: true,
    async text(ask) {
      const value = await prompter.text({
        message: ask.message,
        ...(ask.defaultValue !== undefined ? { initialValue: ask.defaultValue } : {}),
        ...(ask.placeholder ? { placeholder: ask.placeholder } : {}),
        validate: validator(ask),
      });
      return String(value ?? "").trim() || ask.defaultValue || "";
    },
    async secret(ask) {
      const value = await prompter.text({ message: ask.message, sensitive: true, validate: validator(ask) });
      return String(value ?? "").trim();
    },
    confirm: (message, initialValue) => prompter.confirm({ message, initialValue }),
    select: (message, options, initialValue) =>
      prompter.select({ message, options, ...(initialValue !== undefined ? { initialValue } : {}) }),
    info: (message) => void prompter.note(message),
    warn: (message) => void prompter.note(message, "Warning"),
    success: (message) => void prompter.note(message),
    note: (body, title) => void prompter.note(body, title),
    async progress(message, run, describe) {
      const spin = prompter.progress(message);
      try {
        const result = await run();
        spin.stop(describe(result).message);
        return result;
      } catch (error) {
        spin.stop(message);
        throw error;
      }
    },
    end: (message) => void prompter.note(message),
  };
}
