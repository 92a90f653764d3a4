import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./gateway-process.js";

/** Whether this machine has `redis-server` (`scripts/ensure-system-deps.sh` installs it for `pnpm check`). */
export const hasRedisServer: boolean = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, with the password in it when one was set. */
  url: string;
  port: number;
  process: ChildProcess;
  stop(): void;
}

/**
 * A throwaway `redis-server` on 127.0.0.1 and a free port, without persistence (optionally with a
 * password); resolves once it answers PING.
 */
export async function startRedisServer(
  options: { password?: string; timeoutMs?: number } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const auth = options.password ? ["--requirepass", options.password] : [];
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...auth],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await answersPing(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`redis-server on 127.0.0.1:${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = options.password
    ? `redis://:${options.password}@127.0.0.1:${port}`
    : `redis://127.0.0.1:${port}`;
  return { url, port, process: child, stop: () => void child.kill("SIGKILL") };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}
