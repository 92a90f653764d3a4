import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { hasRedisServer, type RedisServer, startRedisServer } from "@multi-openim/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * A fleet on Redis, as the "two client pools in separate processes": each child is one gateway's
 * worth of accounts, built from the calls the gateway makes (acquireLease with a standby wait, as
 * holdAccount does; the client's saved positions in Redis, as plugin.ts passes them; the client stopped
 * when the lease is lost). A real redis-server and the devserver on loopback; the holder of two accounts
 * is SIGKILLed, the other takes them over within the lease TTL plus a few seconds, and every DM sent to
 * them meanwhile is answered exactly once, counted on the devserver.
 */
const hasRedis = hasRedisServer;

const LEASE_TTL_MS = 3000;
const cwd = fileURLToPath(new URL("..", import.meta.url));
let redis: RedisServer | undefined;
let url = "";
let dev: DevServer;
let root = "";
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  root = await mkdtemp(join(tmpdir(), "mo-fleet-"));
  dev = await startDevServer();
  redis = await startRedisServer();
  url = redis.url;
}, 30_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  redis?.stop();
  await dev?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

// One "gateway": for each account, wait for its lease (standby), run the client while it is held,
// answer every DM with "ACK <text>", stop the client when the lease is lost. Prints one JSON line per event.
const GATEWAY = `
  const { createAccountClient } = await import("@multi-openim/client");
  const { acquireLease, sharedRedisText } = await import("@multi-openim/token-refresh");
  const { name, url, ttl, dir, accounts } = JSON.parse(process.argv[1]);
  const store = { kind: "redis", url, leaseTtlMs: ttl };
  const say = (event) => console.log(JSON.stringify({ ...event, name, at: Date.now() }));
  const refuse = { refresh: async () => ({ ok: false, code: "REFRESH_DISABLED", message: "-", markerPath: "", retryable: false }) };
  const stop = new AbortController();
  for (const account of accounts) void (async () => {
    for (;;) {
      const lease = await acquireLease(account.accountId, {
        dir, holder: name, sendHint: () => "-", store,
        wait: { signal: stop.signal, pollMs: 250, onHeld: () => say({ standby: account.accountId }) },
      });
      say({ held: account.accountId });
      const client = createAccountClient(account, {
        tokenRefresher: refuse, tickMs: 200, watermarkFlushMs: 50,
        watermarkStorage: sharedRedisText(store, "watermarks:" + account.accountId),
      });
      client.on("message", (m) => {
        if (m.kind !== "direct") return;
        void client.sendText(m.target, "ACK " + m.text).then(
          () => say({ answered: m.text, account: account.accountId, fromCatchUp: m.fromCatchUp }),
          (e) => say({ sendFailed: String(e) }),
        );
      });
      await client.start();
      say({ connected: account.accountId, ok: client.status().connected });
      await new Promise((r) => lease.lost.addEventListener("abort", r, { once: true }));
      say({ lost: account.accountId });
      await client.stop();
    }
  })();`;

interface Event {
  name: string;
  at: number;
  held?: string;
  standby?: string;
  connected?: string;
  answered?: string;
  lost?: string;
  fromCatchUp?: boolean;
}

function gateway(name: string, accounts: unknown[]) {
  const config = { name, url, ttl: LEASE_TTL_MS, dir: join(root, name, "leases"), accounts };
  const proc = spawn(process.execPath, ["--input-type=module", "-e", GATEWAY, JSON.stringify(config)], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(proc);
  const events: Event[] = [];
  let buffer = "";
  let stderr = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("{")) events.push(JSON.parse(line) as Event);
  });
  proc.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const waitFor = async (what: string, predicate: () => boolean, timeoutMs = 30_000) => {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until || proc.exitCode !== null)
        throw new Error(
          `${name}: ${what} (exit ${proc.exitCode}); events ${JSON.stringify(events)}; stderr ${stderr.slice(-2000)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { proc, events, waitFor };
}

function account(accountId: string) {
  dev.registerUser(accountId, { nickname: accountId });
  return {
    accountId,
    enabled: true,
    token: dev.mintToken(accountId),
    wsAddr: dev.wsAddr,
    apiAddr: dev.apiAddr,
    userID: accountId,
    platformID: 5,
    requireMention: true,
    inboundWhitelist: [],
    disableFriendSdk: true,
  };
}

/** Replies of `bot` to alice that contain `text`, as the devserver stored them. */
const answers = (bot: string, text: string) =>
  dev.messagesFor("alice").filter((m) => m.sendID === bot && m.text === `ACK ${text}`).length;

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasRedis)("a fleet on Redis", () => {
  test("SIGKILL the holder of two accounts: the standby takes them over within the TTL plus a few seconds and answers every DM of the gap exactly once", {
    timeout: 120_000,
  }, async () => {
    dev.registerUser("alice", { nickname: "Alice" });
    const bots = ["fleet-a1", "fleet-a2", "fleet-b1", "fleet-b2"].map(account);
    const [a1, a2, b1, b2] = bots.map((b) => b.accountId) as [string, string, string, string];

    // Gateway A holds a1 and a2; gateway B, started once A holds them, gets b1 and b2 and stands by for the others.
    const gwA = gateway("gateway-A", bots.slice(0, 2));
    await gwA.waitFor(
      "A connects a1 and a2",
      () => gwA.events.filter((e) => e.connected).length === 2,
      60_000,
    );
    const gwB = gateway("gateway-B", bots);
    await gwB.waitFor(
      "B connects b1, b2 and stands by for a1, a2",
      () => {
        const connected = gwB.events.filter((e) => e.connected).map((e) => e.connected);
        const standby = gwB.events.filter((e) => e.standby).map((e) => e.standby);
        return connected.length === 2 && standby.includes(a1) && standby.includes(a2);
      },
      60_000,
    );
    expect(
      gwB.events
        .filter((e) => e.connected)
        .map((e) => e.connected)
        .sort(),
    ).toEqual([b1, b2]);

    // Every account answers before the kill, so A's saved positions (in Redis) are past these messages.
    for (const bot of [a1, a2, b1, b2]) dev.sendAs("alice", `user:${bot}`, { text: `WARM-${bot}` });
    await until(
      "warm-up answered",
      () => [a1, a2, b1, b2].every((b) => answers(b, `WARM-${b}`) === 1),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500)); // > watermarkFlushMs: the positions are in Redis

    const killedAt = Date.now();
    gwA.proc.kill("SIGKILL");
    const gap: [string, string][] = [];
    for (let i = 1; i <= 3; i++) {
      for (const bot of [a1, a2, b1]) {
        const text = `GAP-${bot}-${i}`;
        gap.push([bot, text]);
        dev.sendAs("alice", `user:${bot}`, { text });
      }
      await new Promise((r) => setTimeout(r, 300));
    }

    await gwB.waitFor("B takes a1 and a2 over", () =>
      [a1, a2].every((id) => gwB.events.some((e) => e.connected === id)),
    );
    const heldAt = Math.max(...[a1, a2].map((id) => gwB.events.find((e) => e.held === id)?.at ?? Number.NaN));
    const connectedAt = Math.max(
      ...[a1, a2].map((id) => gwB.events.find((e) => e.connected === id)?.at ?? Number.NaN),
    );
    await until("every gap DM answered", () => gap.every(([bot, text]) => answers(bot, text) >= 1), 30_000);
    await new Promise((r) => setTimeout(r, 2000)); // room for a duplicate to show up
    const counts = Object.fromEntries(gap.map(([bot, text]) => [text, answers(bot, text)]));
    expect(counts).toEqual(Object.fromEntries(gap.map(([, text]) => [text, 1])));
    for (const bot of [a1, a2, b1, b2]) expect(answers(bot, `WARM-${bot}`)).toBe(1);
    // Nobody was connected to a1/a2 when their gap DMs arrived: B found them from A's positions in Redis.
    const taken = gwB.events.filter(
      (e) => e.answered?.startsWith(`GAP-${a1}`) || e.answered?.startsWith(`GAP-${a2}`),
    );
    expect(taken.length).toBe(6);
    expect(taken.every((e) => e.fromCatchUp)).toBe(true);

    const takeoverMs = heldAt - killedAt;
    expect(takeoverMs).toBeLessThan(LEASE_TTL_MS + 3000);
    expect(connectedAt - killedAt).toBeLessThan(LEASE_TTL_MS + 10_000);
    console.log(
      `[fleet-takeover] lease taken ${takeoverMs} ms and accounts connected ${connectedAt - killedAt} ms after SIGKILL (lease TTL ${LEASE_TTL_MS} ms); ${gap.length} gap DMs answered once each`,
    );
    gwB.proc.kill("SIGTERM");
  });
});
