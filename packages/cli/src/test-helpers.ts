import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The built bin, run as users run it (tests need `pnpm build` first, as CI does). */
export const BIN = fileURLToPath(new URL("../dist/bin.mjs", import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin asynchronously (a devserver in this process must keep serving) with a bounded time. */
export function runBin(
  args: string[],
  options: { home: string; input?: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, HOME: options.home };
    delete env.OPENCLAW_CONFIG_PATH;
    delete env.OPENCLAW_STATE_DIR;
    Object.assign(env, options.env);
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

export async function tempHome(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "multi-openim-cli-test-"));
}

/** A temp HOME holding `openclaw.json` with the sample config, as most tests start. */
export async function sampleHome(): Promise<{ home: string; file: string }> {
  const home = await tempHome();
  const file = path.join(home, "openclaw.json");
  await fs.writeFile(file, SAMPLE_CONFIG);
  return { home, file };
}

export function removeHome(home: string): Promise<void> {
  return fs.rm(home, { recursive: true, force: true });
}

/** A JWT-shaped token (the CLI decodes claims; only the devserver checks signatures). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "HS256", typ: "JWT" })}.${enc(claims)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
}

/** A config with comments, another channel and an existing account: what setup must leave alone. */
export const SAMPLE_CONFIG = `// OpenClaw config, hand-edited
{
  gateway: { mode: "local" }, // keep this comment
  channels: {
    telegram: {
      enabled: true,
      botToken: "123:abc", // another channel's secret
    },
    "multi-openim": {
      enabled: true,
      /* the first account */
      accounts: {
        existing: {
          token: "${fakeJwt({ UserID: "old", PlatformID: 5, exp: 4102444800 })}",
          wsAddr: "ws://127.0.0.1:1",
          apiAddr: "http://127.0.0.1:2",
        },
      },
    },
  },
}
`;
