import { secretEncodings } from "@multi-openim/core";

/** Every log line of a run, kept so each can be checked for secrets afterwards. */
export function createLogCapture() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return {
    lines,
    logger,
    /**
     * Secrets that appear in any line (or in `extra` texts such as status errors and child output), as
     * they are or as an echo would carry them (JSON-escaped, `\/`, URL- or form-encoded).
     */
    leaks(secrets: Iterable<string>, extra: readonly string[] = []): string[] {
      const texts = [...lines, ...extra];
      return [...new Set(secrets)].filter(
        (s) => s.length >= 8 && secretEncodings(s).some((form) => texts.some((t) => t.includes(form))),
      );
    },
  };
}

export type LogCapture = ReturnType<typeof createLogCapture>;
