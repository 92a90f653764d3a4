import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createServer } from "node:net";
import { killGroup } from "./spawn.js";

/** A free loopback port (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A running `openclaw gateway run`, in its own process group, with its output kept for assertions. */
export class GatewayProcess {
  output = "";
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    // Colours are stripped so assertions read the text OpenClaw printed.
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
    const logFile = process.env.MULTI_OPENIM_E2E_LOG;
    const keep = (d: Buffer) => {
      this.output += String(d).replace(ansi, "");
      // A copy for reading a failed run's gateway afterwards (the assertion shows only its tail).
      if (logFile) appendFileSync(logFile, String(d).replace(ansi, ""));
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  /** Waits until the output matches, failing early if the gateway exits. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    let done = false;
    void this.exited.then(() => (done = true));
    while (!pattern.test(this.output)) {
      if (done) throw new Error(`gateway exited before ${pattern}:\n${this.output.slice(-4000)}`);
      if (Date.now() > end)
        throw new Error(`gateway output never matched ${pattern}:\n${this.output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  count(pattern: RegExp): number {
    return [...this.output.matchAll(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`))].length;
  }

  /** SIGKILL to the whole group at once: a crash, nothing gets to clean up. */
  async kill9(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    killGroup(this.child.pid, "SIGKILL");
    await this.exited;
  }

  /**
   * SIGTERM to the group (idle, OpenClaw stops in ~150 ms; with turns in flight it drains them first),
   * SIGKILL if it lingers past `graceMs` (a supervisor's stop timeout: systemd's default is 90 s).
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null) return;
    killGroup(this.child.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(this.child.pid, "SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
