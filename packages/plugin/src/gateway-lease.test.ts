import { hasRedisServer, type RedisServer, startRedisServer } from "@multi-openim/testkit";
import { RedisStore } from "@multi-openim/token-refresh";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import type { ChannelSnapshot } from "./status.js";
import { FakeClient, pluginWithDoubles, until } from "./test-doubles.js";

// Two gateways (two plugin instances, two state dirs: two machines) sharing a real redis-server on loopback.
const hasRedis = hasRedisServer;
let redis: RedisServer | undefined;
let url = "";

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedisServer();
  url = redis.url;
}, 15_000);
afterAll(() => redis?.stop());

function gateway(cfg: unknown) {
  const clients: FakeClient[] = [];
  const clientOptions: Record<string, unknown>[] = [];
  const env = pluginWithDoubles({
    options: {
      createClient: (account, options) => {
        clientOptions.push({ ...options });
        const client = new FakeClient(account);
        clients.push(client);
        return client;
      },
    },
  });
  env.plugin.setApi({ logger: env.logger, config: cfg, runtime: { channel: env.runtime } });
  const abort = new AbortController();
  const statuses: ChannelSnapshot[] = [];
  const start = () =>
    env.plugin.channel.gateway.startAccount({
      cfg,
      accountId: "a",
      account: env.plugin.channel.config.resolveAccount(cfg, "a"),
      abortSignal: abort.signal,
      setStatus: (s: ChannelSnapshot) => statuses.push(s),
    });
  return { env, clients, clientOptions, abort, statuses, start };
}

describe.skipIf(!hasRedis)("gateway account leases on the Redis store", () => {
  test("a second gateway stands by (status names the holder), takes over when the lease goes, and the first stops its client", {
    timeout: 30_000,
  }, async () => {
    const cfg = twoAccountConfig({ store: { kind: "redis", url, leaseTtlMs: 1000 } });
    const first = gateway(cfg);
    const second = gateway(cfg);
    const running1 = first.start();
    await until(() => first.statuses.some((s) => s.connected), 10_000);
    // The client's saved positions go to Redis, where whoever takes the account over finds them.
    expect(first.clientOptions[0]?.watermarkStorage).toMatchObject({
      where: "redis key multi-openim:watermarks:a",
    });

    const running2 = second.start();
    await until(() => second.statuses.some((s) => s.statusState === "standby"), 10_000);
    expect(second.statuses.at(-1)?.lastError).toMatch(
      new RegExp(`^standby: held by openclaw gateway \\(pid ${process.pid} on .+, since `),
    );
    await new Promise((r) => setTimeout(r, 1500)); // more than a TTL: a live holder keeps its lease
    expect(second.clients).toHaveLength(0);
    expect(first.clients[0]?.stopped).toBe(0);

    // The first gateway's lease disappears (Redis flushed, or unreachable past the TTL): it stops the client.
    const store = await RedisStore.connect({ kind: "redis", url });
    const lostAt = Date.now();
    try {
      await store.redis.del("multi-openim:lease:a");
    } finally {
      store.close();
    }
    await running1; // the run ends like a stop; OpenClaw starts it again (as a standby now)
    expect(first.clients[0]?.stopped).toBe(1);
    expect(first.env.lines.some((l) => l.includes("a: account lease lost"))).toBe(true);
    await until(() => second.statuses.some((s) => s.connected), 10_000);
    expect(Date.now() - lostAt).toBeLessThan(1000 + 3000);
    expect(second.clients).toHaveLength(1);

    second.abort.abort();
    await running2;
    expect(second.clients[0]?.stopped).toBe(1);
  });
});
