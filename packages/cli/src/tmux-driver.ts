import { execFile, execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { BIN } from "./test-helpers.js";

const run = promisify(execFile);

/** tmux drives the interactive wizard in a real pseudo-terminal; CI installs it (apt-get install -y tmux). */
export const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

export interface TmuxSession {
  screen(): Promise<string>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  type(text: string): Promise<void>;
  key(...keys: string[]): Promise<void>;
  /** The bin's exit code, once it has ended. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the built bin (or `options.command`, e.g. the `openclaw` CLI) inside a detached tmux session on
 * a private socket (never the user's tmux server). `options.env` is exported first (default: OpenClaw's
 * config variables unset, so only HOME decides).
 */
export async function startInTmux(
  args: string[],
  options: { home: string; dir: string; command?: string[]; env?: Record<string, string> },
): Promise<TmuxSession> {
  const socket = `mo-cli-${process.pid}-${Date.now()}`;
  const exitFile = path.join(options.dir, "exit-code");
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const script = path.join(options.dir, "run.sh");
  await fs.writeFile(
    script,
    [
      "#!/bin/sh",
      `export HOME=${quote(options.home)}`,
      options.env
        ? Object.entries(options.env)
            .map(([k, v]) => `export ${k}=${quote(v)}`)
            .join("\n")
        : "unset OPENCLAW_CONFIG_PATH OPENCLAW_STATE_DIR",
      [...(options.command ?? [process.execPath, BIN]), ...args].map(quote).join(" "),
      `echo $? > ${quote(exitFile)}`,
      "sleep 30",
    ].join("\n"),
    { mode: 0o700 },
  );
  const tmux = (...a: string[]) => run("tmux", ["-L", socket, "-f", "/dev/null", ...a], { timeout: 5000 });
  await tmux("new-session", "-d", "-s", "wizard", "-x", "160", "-y", "60", script);
  const screen = async () => (await tmux("capture-pane", "-p", "-t", "wizard", "-S", "-200")).stdout;
  const poll = async <T>(
    check: () => Promise<T | undefined>,
    timeoutMs: number,
    what: string,
  ): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > end)
        throw new Error(`tmux: timed out waiting for ${what}; screen:\n${await screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    screen,
    waitFor: (text, timeoutMs = 15_000) =>
      poll(
        async () => {
          const s = await screen();
          return (typeof text === "string" ? s.includes(text) : text.test(s)) ? s : undefined;
        },
        timeoutMs,
        String(text),
      ),
    type: async (text) => void (await tmux("send-keys", "-t", "wizard", "-l", text)),
    key: async (...keys) => void (await tmux("send-keys", "-t", "wizard", ...keys)),
    exitCode: (timeoutMs = 15_000) =>
      poll(
        async () => {
          const text = await fs.readFile(exitFile, "utf8").catch(() => "");
          return text.trim() === "" ? undefined : Number(text.trim());
        },
        timeoutMs,
        "the wizard to exit",
      ),
    close: async () => void (await tmux("kill-server").catch(() => undefined)),
  };
}
