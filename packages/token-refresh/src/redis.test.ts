import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { freePort, hasRedisServer, type RedisServer, startRedisServer } from "@multi-openim/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { acquireLease } from "./lease.js";
import { acquireRedisLease, RedisStore } from "./redis-store.js";
import { useAuthFixtures } from "./test-fixtures.js";

// A real redis-server on loopback (scripts/ensure-system-deps.sh installs it), real child processes.
const hasRedis = hasRedisServer;
const { dir, serve } = useAuthFixtures();
const cwd = fileURLToPath(new URL("..", import.meta.url));
let redis: RedisServer | undefined;
let url = "";
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedisServer();
  url = redis.url;
}, 15_000);
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  redis?.stop();
});

function run(script: string, args: string[]) {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script, ...args], { cwd });
  children.push(proc);
  const lines: string[] = [];
  let buffer = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
  });
  const line = async (n: number) => {
    for (let i = 0; i < 600 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 25));
    if (lines.length < n) throw new Error(`child printed ${lines.length} of ${n} lines`);
  };
  return { proc, lines, line };
}

const REFRESHER = `
  const { createTokenRefresher } = await import("@multi-openim/token-refresh");
  const [endpoint, stateFile, markerDir, count, url] = process.argv.slice(1);
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: markerDir + "/m.json",
      http: { endpoint, stateFile, body: { refreshToken: "{state.refresh_token}" }, responseTokenPath: "token",
              stateWriteBack: { refresh_token: "refreshToken" } },
    },
    store: { kind: "redis", url },
  });
  console.log("ready");
  process.stdin.once("data", async () => {
    const results = await Promise.all(Array.from({ length: Number(count) }, (_, i) => refresher.refresh("fleet", "r" + i)));
    console.log(JSON.stringify(results.map((r) => (r.ok ? r.token : "FAILED " + r.code))));
    refresher.dispose();
    process.exit(0);
  });`;

const HOLDER = `
  const { RedisStore, acquireRedisLease } = await import("@multi-openim/token-refresh");
  const store = await RedisStore.connect({ kind: "redis", url: process.argv[1] });
  await acquireRedisLease(store, "fleet-bot", { holder: "gateway A", sendHint: "openclaw message send --account fleet-bot", ttlMs: 2000 });
  console.log("held");
  setInterval(() => {}, 1000);`;

describe.skipIf(!hasRedis)("Redis fleet store", () => {
  test("100 refreshes from 3 processes with separate lock folders: Redis makes it 1 request and 1 token", {
    timeout: 30_000,
  }, async () => {
    let issued = 0;
    const auth = await serve((req) => {
      const { refreshToken } = JSON.parse(req.body);
      if (refreshToken !== `rt-${issued}`) return { status: 401, body: "used" };
      issued += 1;
      return { body: { token: `token-${issued}`, refreshToken: `rt-${issued}` }, delayMs: 150 };
    });
    const stateFile = dir.join("state.json");
    await writeFile(stateFile, JSON.stringify({ fleet: { refresh_token: "rt-0" } }));
    const procs = [34, 33, 33].map((count, i) =>
      run(REFRESHER, [`${auth.url}/r`, stateFile, dir.join(`machine-${i}`), String(count), url]),
    );
    await Promise.all(procs.map((p) => p.line(1)));
    for (const p of procs) p.proc.stdin?.write("go\n");
    await Promise.all(procs.map((p) => p.line(2)));
    const tokens = procs.flatMap((p) => JSON.parse(p.lines[1] ?? "[]") as string[]);
    expect(tokens).toHaveLength(100);
    expect(new Set(tokens)).toEqual(new Set(["token-1"]));
    expect(auth.requests).toHaveLength(1);
    expect(JSON.parse(await readFile(stateFile, "utf8")).fleet.refresh_token).toBe("rt-1");
    // The refresh state lives in Redis (the file only seeded it): another machine reads rt-1 there.
    const store = await RedisStore.connect({ kind: "redis", url });
    try {
      expect(await store.readState("fleet")).toEqual({ refresh_token: "rt-1" });
    } finally {
      store.close();
    }
  });

  test("a lease held by a gateway is refused with its name; SIGKILL the holder and another takes over within the TTL", {
    timeout: 30_000,
  }, async () => {
    const holder = run(HOLDER, [url]);
    await holder.line(1);
    const store = await RedisStore.connect({ kind: "redis", url });
    try {
      const lease = { holder: "gateway B", sendHint: "-", ttlMs: 2000 };
      await expect(acquireRedisLease(store, "fleet-bot", lease)).rejects.toMatchObject({
        code: "ACCOUNT_HELD",
        message: expect.stringContaining("held by gateway A"),
      });
      const killedAt = Date.now();
      holder.proc.kill("SIGKILL");
      let taken: Awaited<ReturnType<typeof acquireRedisLease>> | undefined;
      while (!taken && Date.now() - killedAt < 10_000) {
        taken = await acquireRedisLease(store, "fleet-bot", lease).catch(() => undefined);
        if (!taken) await new Promise((r) => setTimeout(r, 100));
      }
      const takeoverMs = Date.now() - killedAt;
      expect(taken).toBeDefined();
      expect(takeoverMs).toBeLessThan(2000 + 1000);
      console.log(`[redis.test] lease taken over ${takeoverMs} ms after SIGKILL (TTL 2000 ms)`);
      await taken?.release();
    } finally {
      store.close();
    }
  });

  test("a standby waits for a held lease (saying who holds it), takes it after the holder's SIGKILL, and learns when it loses it", {
    timeout: 30_000,
  }, async () => {
    const holder = run(HOLDER, [url]);
    await holder.line(1);
    const stop = new AbortController();
    const held: string[] = [];
    const request = {
      dir: dir.join("standby-leases"),
      holder: "gateway B",
      sendHint: () => "-",
      store: { kind: "redis" as const, url, leaseTtlMs: 2000 },
      wait: { signal: stop.signal, pollMs: 100, onHeld: (message: string) => held.push(message) },
    };
    const standby = acquireLease("fleet-bot", request);
    for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(held).toEqual([expect.stringContaining("held by gateway A")]);
    const killedAt = Date.now();
    holder.proc.kill("SIGKILL");
    const lease = await standby;
    expect(Date.now() - killedAt).toBeLessThan(2000 + 1000);
    expect(lease.lost.aborted).toBe(false);

    // Someone else's value in the key (Redis flushed, lease expired and retaken): the heartbeat notices.
    const store = await RedisStore.connect({ kind: "redis", url });
    try {
      await store.redis.set("multi-openim:lease:fleet-bot", "someone else");
      await new Promise<void>((resolve) => lease.lost.addEventListener("abort", () => resolve()));
      expect(lease.lost.aborted).toBe(true);
      await lease.release();
      expect(await store.get("lease:fleet-bot")).toBe("someone else");
      // A waiting standby stops when its account is stopped.
      const waiting = acquireLease("fleet-bot", request);
      stop.abort();
      await expect(waiting).rejects.toMatchObject({ code: "STOPPED" });
    } finally {
      store.close();
    }
  });
});

test("an unreachable Redis store is a clear error naming the field, never the URL's password", {
  timeout: 15_000,
}, async () => {
  const port = await freePort(); // closed again: nothing listens there
  const error = await RedisStore.connect({
    kind: "redis",
    url: `redis://:pw-5ecret@127.0.0.1:${port}`,
  }).catch((e: Error) => e);
  expect(error).toMatchObject({ code: "STORE_UNREACHABLE" });
  expect((error as Error).message).toContain("channels.multi-openim.store.url");
  expect((error as Error).message).toContain(`127.0.0.1:${port}`);
  expect((error as Error).message).not.toContain("pw-5ecret");
});
