// Test support: running README commands in a clone the way a user's shell does.
import { type ChildProcess, spawn } from "node:child_process";

export interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/**
 * A user's environment: no vitest markers, no pnpm script variables, no node_modules/.bin of the
 * repository the tests run in (the clone must find its own), pnpm kept off the network (loopback only).
 */
export function userEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && !key.startsWith("npm_")),
  );
  const path = (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => !dir.startsWith(root))
    .join(":");
  return { ...env, PATH: path, npm_config_offline: "true", ...extra };
}

/** `sh -c command` in `cwd`, to its end (at most `timeoutMs`). */
export function sh(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const ran: Ran = { code: null, out: "", err: "" };
    child.stdout.on("data", (d) => (ran.out += d));
    child.stderr.on("data", (d) => (ran.err += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`\`${command}\` did not end within ${timeoutMs} ms:\n${ran.out}\n${ran.err}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      ran.code = code;
      resolve(ran);
    });
  });
}

/** A long-running command (a server), in a process group of its own so Ctrl-C reaches all of it. */
export function background(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn("sh", ["-c", command], { cwd, env, detached: true, stdio: "pipe" });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  return {
    output: () => out,
    async until(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
      for (const end = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 200))) {
        const m = pattern.exec(out);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > end)
          throw new Error(`\`${command}\` never printed ${pattern}:\n${out.slice(-2000)}`);
      }
    },
    /** Ctrl-C, then SIGKILL after a grace period. */
    async stop(): Promise<void> {
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid as number), sig);
        } catch {
          // gone
        }
      };
      signal("SIGINT");
      const timer = setTimeout(() => signal("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
