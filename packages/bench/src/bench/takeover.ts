// Takeover of an account lease after its holder is SIGKILLed: a file lease (proper-lockfile, stale timeout)
// and a Redis lease (key TTL renewed by a heartbeat), with a real redis-server on loopback when installed
// (scripts/ensure-system-deps.sh installs it). Bounded: each measure gives up after 30 s.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { acquireRedisLease, RedisStore } from "@multi-openim/token-refresh";

const CWD = fileURLToPath(new URL("../..", import.meta.url));

export interface LocalRedis {
  url: string;
  stop(): void;
}

/** A throwaway redis-server on 127.0.0.1 (no persistence), or undefined when redis-server is not installed. */
export async function startLocalRedis(): Promise<LocalRedis | undefined> {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  const server: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const store = await RedisStore.connect({ kind: "redis", url }).catch(() => undefined);
    if (store) {
      store.close();
      return { url, stop: () => void server.kill("SIGKILL") };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  server.kill("SIGKILL");
  throw new Error("redis-server did not start within 10 s");
}

/** ms from SIGKILL of the holder until another process holds the account's Redis lease (TTL `ttlMs`). */
export async function redisLeaseTakeoverMs(url: string, ttlMs = 2000): Promise<number> {
  const script = `
    const { RedisStore, acquireRedisLease } = await import("@multi-openim/token-refresh");
    const store = await RedisStore.connect({ kind: "redis", url: process.argv[1] });
    await acquireRedisLease(store, "bench-bot", { holder: "gateway A", sendHint: "-", ttlMs: ${ttlMs} });
    console.log("held"); setInterval(() => {}, 1000);`;
  const holder = spawn(process.execPath, ["--input-type=module", "-e", script, url], { cwd: CWD });
  const store = await RedisStore.connect({ kind: "redis", url });
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once("data", () => resolve());
      holder.once("exit", (code) => reject(new Error(`lease holder exited (${code})`)));
    });
    const killedAt = performance.now();
    holder.kill("SIGKILL");
    for (;;) {
      const lease = await acquireRedisLease(store, "bench-bot", {
        holder: "gateway B",
        sendHint: "-",
        ttlMs,
      }).catch(() => undefined);
      if (lease) {
        await lease.release();
        return Math.round(performance.now() - killedAt);
      }
      if (performance.now() - killedAt > 30_000) throw new Error("Redis lease never taken over");
      // A standby gateway polls every second (plugin account-lease.ts); measure finer than that.
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (holder.exitCode === null) holder.kill("SIGKILL");
    store.close();
  }
}
