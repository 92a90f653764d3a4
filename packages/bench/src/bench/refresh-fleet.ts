// Refresh calls and time to a working token when 50 accounts expire together in 3 processes on one machine
// (gateway, MCP server, CLI), with a rotating refresh token; and how fast a dead holder's lease is taken over.
// Standalone: `node packages/bench/src/bench/refresh-fleet.ts`; loopback only, bounded.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { acquireAccountLease } from "@multi-openim/token-refresh";

const CWD = fileURLToPath(new URL("../..", import.meta.url));

const CHILD = `
  const { createTokenRefresher } = await import("@multi-openim/token-refresh");
  const [endpoint, stateFile, markerDir, accounts, locked, redisUrl] = process.argv.slice(1);
  const refresher = createTokenRefresher({
    tokenRefresh: { mode: "http", manualLoginMarkerPath: markerDir + "/m.json",
      http: { endpoint, stateFile, body: { id: "{accountId}", rt: "{state.refresh_token}" }, responseTokenPath: "token",
              stateWriteBack: { refresh_token: "refreshToken" } } },
    ...(locked === "1" ? {} : { lock: false }),
    ...(redisUrl ? { store: { kind: "redis", url: redisUrl } } : {}),
    backoff: { retries: 0 },
  });
  console.log("ready");
  process.stdin.once("data", async () => {
    const t0 = performance.now();
    const times = await Promise.all(Array.from({ length: Number(accounts) }, async (_, i) => {
      const r = await refresher.refresh("acct" + i, "OnUserTokenExpired");
      return r.ok ? performance.now() - t0 : -1;
    }));
    console.log(JSON.stringify(times));
    process.exit(0);
  });`;

export type FleetMode = "lock" | "no lock" | "redis";

export interface FleetRefreshResult {
  mode: FleetMode;
  httpCalls: number;
  refused: number;
  failedRefreshes: number;
  p50Ms: number;
  maxMs: number;
  /** Accounts whose rotated refresh token the shared state file kept (a lost one locks the account out). */
  rotatedTokensKept: number;
}

async function once(
  accounts: number,
  processes: number,
  mode: FleetMode,
  redisUrl?: string,
): Promise<FleetRefreshResult> {
  const locked = mode !== "no lock";
  const dir = await mkdtemp(join(tmpdir(), "bench-fleet-"));
  const issued = new Map<string, number>();
  let calls = 0;
  let refused = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      calls += 1;
      const { id, rt } = JSON.parse(body) as { id: string; rt: string };
      const n = issued.get(id) ?? 0;
      if (rt !== `rt-${n}`) {
        refused += 1;
        return res.writeHead(401).end("refresh token already used");
      }
      issued.set(id, n + 1);
      setTimeout(
        () => res.end(JSON.stringify({ token: `${id}-t${n + 1}`, refreshToken: `rt-${n + 1}` })),
        20,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/r`;
  const stateFile = join(dir, "state.json");
  const state = Object.fromEntries(
    Array.from({ length: accounts }, (_, i) => [`acct${i}`, { refresh_token: "rt-0" }]),
  );
  await writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
  const children: ChildProcess[] = [];
  try {
    const outputs = await Promise.all(
      Array.from({ length: processes }, (_, p) => {
        const child = spawn(
          process.execPath,
          [
            "--input-type=module",
            "-e",
            CHILD,
            endpoint,
            stateFile,
            // With Redis each process has its own lock folder (as on separate machines): only Redis is shared.
            mode === "redis" ? join(dir, `machine-${p}`) : dir,
            String(accounts),
            locked ? "1" : "0",
            ...(mode === "redis" && redisUrl ? [redisUrl] : []),
          ],
          { cwd: CWD },
        );
        children.push(child);
        return new Promise<string[]>((resolve, reject) => {
          const lines: string[] = [];
          let buffer = "";
          child.stdout.on("data", (chunk: Buffer) => {
            buffer += chunk.toString();
            const parts = buffer.split("\n");
            buffer = parts.pop() ?? "";
            lines.push(...parts);
            if (lines.length === 1 && parts.length > 0) ready.push(child);
            if (lines.length >= 2) resolve(lines);
          });
          child.once("exit", (code) =>
            lines.length >= 2 ? undefined : reject(new Error(`child exit ${code}`)),
          );
        });
      }),
    );
    const saved = JSON.parse(await readFile(stateFile, "utf8")) as Record<string, { refresh_token: string }>;
    const kept = [...issued].filter(([id, n]) => saved[id]?.refresh_token === `rt-${n}`).length;
    return { ...summarize(outputs, calls, refused, mode), rotatedTokensKept: kept };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// Children say "ready"; once all have, one "go" starts them together (they expire together).
let ready: ChildProcess[] = [];

function summarize(
  outputs: string[][],
  calls: number,
  refused: number,
  mode: FleetMode,
): Omit<FleetRefreshResult, "rotatedTokensKept"> {
  const times = outputs.flatMap((lines) => JSON.parse(lines[1] ?? "[]") as number[]);
  const ok = times.filter((t) => t >= 0).sort((a, b) => a - b);
  return {
    mode,
    httpCalls: calls,
    refused,
    failedRefreshes: times.length - ok.length,
    p50Ms: Math.round(ok[Math.floor(ok.length / 2)] ?? Number.NaN),
    maxMs: Math.round(ok.at(-1) ?? Number.NaN),
  };
}

async function withGo(
  accounts: number,
  processes: number,
  mode: FleetMode,
  redisUrl?: string,
): Promise<FleetRefreshResult> {
  ready = [];
  const running = once(accounts, processes, mode, redisUrl);
  for (let i = 0; i < 400 && ready.length < processes; i++) await new Promise((r) => setTimeout(r, 25));
  for (const child of ready) child.stdin?.write("go\n");
  return running;
}

/** How long after its holder is SIGKILLed a file lease (proper-lockfile, stale 2 s) is taken over. */
export async function fileLeaseTakeoverMs(staleMs = 2000): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "bench-lease-"));
  const script = `
    const { acquireAccountLease } = await import("@multi-openim/token-refresh");
    await acquireAccountLease("bot", { dir: process.argv[1], holder: "gateway A", staleMs: ${staleMs} });
    console.log("held"); setInterval(() => {}, 1000);`;
  const holder = spawn(process.execPath, ["--input-type=module", "-e", script, dir], { cwd: CWD });
  try {
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    const killedAt = performance.now();
    holder.kill("SIGKILL");
    for (;;) {
      const lease = await acquireAccountLease("bot", { dir, holder: "gateway B", staleMs }).catch(
        () => undefined,
      );
      if (lease) {
        await lease.release();
        return Math.round(performance.now() - killedAt);
      }
      if (performance.now() - killedAt > 30_000) throw new Error("lease never taken over");
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (holder.exitCode === null) holder.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each row bounded: a child that does not answer within 60 s fails the row, not the run. */
function bounded<T>(what: string, task: Promise<T>, ms = 60_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms);
  });
  return Promise.race([task, limit]).finally(() => clearTimeout(timer));
}

export async function benchRefreshFleet(accounts = 50, processes = 3, redisUrl?: string) {
  const rows: FleetRefreshResult[] = [];
  rows.push(await bounded("no lock", withGo(accounts, processes, "no lock")));
  rows.push(await bounded("file lock", withGo(accounts, processes, "lock")));
  if (redisUrl) rows.push(await bounded("redis", withGo(accounts, processes, "redis", redisUrl)));
  return {
    accounts,
    processes,
    rows,
    fileLeaseTakeoverMs: await bounded("file lease", fileLeaseTakeoverMs()),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startLocalRedis } = await import("./takeover.ts");
  const redis = await startLocalRedis();
  try {
    console.log(JSON.stringify(await benchRefreshFleet(50, 3, redis?.url), null, 2));
  } finally {
    redis?.stop();
  }
}
