// Test support: an MCP client as a desktop app is one: a child process spoken to with newline-delimited
// JSON-RPC on stdin/stdout (the stdio transport), nothing else.
import { spawn } from "node:child_process";

export function mcpSession(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let buffer = "";
  let stderr = "";
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.on("data", (d) => {
    buffer += d;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const message = JSON.parse(line) as { id?: number };
      if (typeof message.id === "number") waiting.get(message.id)?.(message);
    }
  });
  let nextId = 1;
  return {
    stderr: () => stderr,
    request(method: string, params: unknown, timeoutMs = 60_000): Promise<Record<string, unknown>> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer to ${method} within ${timeoutMs} ms; stderr:\n${stderr}`)),
          timeoutMs,
        );
        waiting.set(id, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      });
    },
    notify(method: string, params: unknown = {}): void {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method, params })}\n`);
    },
    /** The desktop app quits: stdin closes, the server stops its accounts and exits. */
    close(): Promise<number | null> {
      child.stdin.end();
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
  };
}
