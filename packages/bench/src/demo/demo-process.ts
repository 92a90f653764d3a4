// Test support: the demo as a user runs it (`pnpm demo -- …`, through pnpm and scripts/demo.mjs), in a
// process group of its own so a test can press "Ctrl-C" like a terminal does, and what it leaves behind.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface DemoProcess {
  readonly child: ChildProcess;
  /** stdout and stderr, as printed. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  until(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Ctrl-C in a terminal: SIGINT to the demo's whole foreground group. */
  interrupt(): void;
  /** Safety net for a failed test: SIGKILL the demo's group and every gateway it started. */
  kill(): Promise<void>;
}

/**
 * pnpm as the README runs it: this run's pnpm when the tests run under pnpm (`pnpm test`), else
 * `npx -y pnpm@10`. Returns the command and the arguments before the script name.
 */
export function pnpmCommand(): [string, string[]] {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath)) return [process.execPath, [execpath]];
  // Not run by pnpm (`npx -y pnpm@10 exec vitest` sets no npm_execpath): pnpm's own bin from npx's cache,
  // not npx itself, which dies of Ctrl-C at once instead of waiting for the demo's clean-up.
  const bin = spawnSync("npx", ["-y", "-p", "pnpm@10", "sh", "-c", "command -v pnpm"], { encoding: "utf8" });
  const path = bin.stdout?.trim();
  // Run by this Node: under `pnpm exec` the `node` on the PATH is the workspace's sh shim, which a
  // Ctrl-C kills (it does not exec node) while pnpm still waits for the demo.
  return path ? [process.execPath, [realpathSync(path)]] : ["npx", ["-y", "pnpm@10"]];
}

/** `pnpm demo -- <args>`, the form the README writes (pnpm 10 passes the `--` on to the demo). */
export function startDemo(args: string[], env: NodeJS.ProcessEnv = {}): DemoProcess {
  const [pnpm, pnpmArgs] = pnpmCommand();
  const child = spawn(pnpm, [...pnpmArgs, "demo", "--", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      // already gone
    }
  };
  return {
    child,
    output: () => output,
    exited,
    async until(pattern, timeoutMs) {
      for (const end = Date.now() + timeoutMs; ; ) {
        const m = pattern.exec(output);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > end)
          throw new Error(
            `the demo never printed ${pattern} (exit ${child.exitCode}):\n${output.slice(-3000)}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    interrupt: () => signal("SIGINT"),
    async kill() {
      const stateDir = demoStateDir(output);
      if (child.exitCode === null && child.signalCode === null) {
        signal("SIGKILL");
        await exited;
      }
      for (const pid of stateDir ? gatewayPids(stateDir) : []) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}

/** The OpenClaw state dir of the demo's gateway, from the config path it prints. */
export function demoStateDir(output: string): string | undefined {
  const config = /(\/\S+\/openclaw\.json)/.exec(output)?.[1];
  return config ? dirname(config) : undefined;
}

/** Processes whose environment points OpenClaw at `stateDir`: the demo's gateway (and its children). */
export function gatewayPids(stateDir: string): number[] {
  const needle = `\0OPENCLAW_STATE_DIR=${stateDir}\0`;
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((pid) => {
      try {
        return `\0${readFileSync(`/proc/${pid}/environ`, "latin1")}`.includes(needle);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The demo's summary table as printed: from its header to the "n/m steps ok" line. */
export function summaryLines(output: string): string[] {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => /^result\s+time\s+step$/.test(line));
  const end = lines.findIndex((line, i) => i > start && /^\d+\/\d+ steps ok/.test(line));
  if (start < 0 || end < 0) throw new Error(`no summary table in the demo's output:\n${output.slice(-2000)}`);
  return lines.slice(start, end + 1);
}

/** The output without pnpm's echo of the script it runs ("> name@ demo …" and "> exec node …"). */
export function demoLines(output: string): string[] {
  return output.split("\n").filter((line) => !line.startsWith("> "));
}
