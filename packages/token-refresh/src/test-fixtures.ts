// Shared by the tests only (not exported from index.ts): a real loopback auth server, temp dirs, a capturing logger.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { RefreshLogger } from "./secrets.js";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  /** An object is sent as JSON, a string verbatim. */
  body?: unknown;
  /** Hold the answer this long (ms), for timeouts. */
  delayMs?: number;
}

export interface AuthServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port 0; `answer` decides each reply and may wait (e.g. on a barrier). */
export async function startAuthServer(
  answer: (req: SeenRequest) => Reply | Promise<Reply>,
): Promise<AuthServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      const reply = await answer(seen);
      const send = () => {
        if (res.destroyed) return;
        const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { "content-type": "application/json" }).end(text);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TempDir {
  path: string;
  join(...parts: string[]): string;
  remove(): Promise<void>;
}

export async function makeTempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), "token-refresh-test-"));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** A logger that keeps every line, so tests can read it and grep it for secrets. */
export function captureLogger(): { logger: Required<RefreshLogger>; lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return {
    logger: { info: push("info"), warn: push("warn"), error: push("error"), debug: push("debug") },
    lines,
  };
}

/** A JWT-shaped token (unsigned) whose `exp` the engine reads to plan the next proactive refresh. */
export function jwtExpiringAt(expMs: number, extra: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ exp: Math.floor(expMs / 1000), ...extra })}.c2lnbmF0dXJl`;
}

/**
 * The per-test set-up most files share: a fresh temp dir (`dir.path` changes each test, the object
 * stays) and auth servers started with `serve`, all closed and removed after each test.
 * `reset` runs first after each test (e.g. clearing a global hook or fake timers).
 */
export function useAuthFixtures(options: { reset?: () => void } = {}): {
  dir: TempDir;
  serve: typeof startAuthServer;
} {
  let current: TempDir | undefined;
  const servers: AuthServer[] = [];
  const dir: TempDir = {
    get path() {
      if (!current) throw new Error("useAuthFixtures: dir is only there inside a test");
      return current.path;
    },
    join: (...parts) => join(dir.path, ...parts),
    remove: async () => current?.remove(),
  };
  beforeEach(async () => {
    options.reset?.();
    current = await makeTempDir();
  });
  afterEach(async () => {
    options.reset?.();
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await current?.remove();
    current = undefined;
  });
  const serve: typeof startAuthServer = async (answer) => {
    const server = await startAuthServer(answer);
    servers.push(server);
    return server;
  };
  return { dir, serve };
}

const realSetTimeout = globalThis.setTimeout;

/** Polls `check` on real timers (fake ones may be installed) for up to about 2 s. */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
