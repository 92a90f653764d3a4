import { format } from "node:util";

const captured: string[] = [];
const CAP = 50_000;

/**
 * The SDK prints a banner and dumps objects during each sync whatever its log level; a bench or suite
 * prints its own lines with process.stdout, so console output is swallowed meanwhile — and kept
 * (bounded), so the fault suite can search it for tokens like every other log line.
 */
export function quietConsole(): { restore: () => void; swallowed: () => number } {
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  let swallowed = 0;
  const keep = (...args: unknown[]) => {
    swallowed++;
    if (captured.length < CAP) captured.push(format(...args));
  };
  Object.assign(console, { log: keep, info: keep, warn: keep, error: keep, debug: keep });
  return { restore: () => Object.assign(console, saved), swallowed: () => swallowed };
}

/** Console output swallowed so far (a live list; take its length to mark a start). */
export function capturedConsole(): readonly string[] {
  return captured;
}

export const say = (line = "") => void process.stdout.write(`${line}\n`);
