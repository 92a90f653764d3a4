import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createOutbound } from "./outbound.js";
import { AccountRegistry } from "./registry.js";
import { SendQueue } from "./send-queue.js";
import { FakeClient, memoryLogger, until } from "./test-doubles.js";

const account = (id: string) => ({
  accountId: id,
  enabled: true as const,
  token: "t",
  wsAddr: "ws://127.0.0.1:1",
  apiAddr: "http://127.0.0.1:1",
  userID: `bot_${id}`,
  platformID: 5,
  requireMention: true,
  inboundWhitelist: [],
  disableFriendSdk: true,
});

function setup(limits: { maxItems?: number; maxAgeMs?: number } = {}) {
  const registry = new AccountRegistry();
  const { logger, lines } = memoryLogger();
  const queue = new SendQueue({
    registry,
    configured: () => ["a"],
    log: () => logger,
    pollMs: 10,
    ...limits,
  });
  const roots = mkdtempSync(join(tmpdir(), "mo-roots-"));
  const outbound = createOutbound({ registry, queue, mediaRoots: () => [roots] });
  return { registry, queue, lines, outbound, roots };
}

describe("outbound queue", () => {
  test("a send while the account reconnects waits and is delivered exactly once, in order", async () => {
    const env = setup();
    const client = new FakeClient(account("a"));
    await client.start();
    client.offline = true;
    client.setStatus({ connected: false });
    env.registry.add({ account: account("a"), client });
    const first = env.outbound.sendText({ to: "user:alice", text: "one", accountId: "a" });
    const second = env.outbound.sendText({ to: "user:alice", text: "two", accountId: "a" });
    await until(() => env.queue.size === 2);
    expect(client.sent).toEqual([]);
    client.offline = false;
    client.setStatus({ connected: true });
    await Promise.all([first, second]);
    expect(client.sent.map((s) => s.text)).toEqual(["one", "two"]);
    expect(env.lines.filter((l) => l.includes("queued until the account is connected"))).toHaveLength(2);
  });

  test("an account not running yet (gateway restart) is waited for; expired sends are dropped with a reason", async () => {
    const env = setup({ maxAgeMs: 150 });
    const late = env.outbound.sendText({ to: "user:alice", text: "late", accountId: "a" });
    await expect(late).rejects.toThrow(/dropped after \d+s waiting for a connection/);
    expect(env.lines.some((l) => l.startsWith("warn") && l.includes("dropped after"))).toBe(true);
    const ok = setup({ maxAgeMs: 5000 });
    const pending = ok.outbound.sendText({ to: "user:alice", text: "hello", accountId: "a" });
    await until(() => ok.queue.size === 1);
    const client = new FakeClient(account("a"));
    await client.start();
    ok.registry.add({ account: account("a"), client });
    await pending;
    expect(client.sent.map((s) => s.text)).toEqual(["hello"]);
  });

  test("unknown accounts, needs-login and a full queue fail at once", async () => {
    const env = setup({ maxItems: 1 });
    await expect(env.outbound.sendText({ to: "user:x", text: "hi", accountId: "zz" })).rejects.toThrow(
      'account "zz" is not connected',
    );
    await expect(env.outbound.sendText({ to: "user:x", text: "hi" })).rejects.toThrow(
      "accountId is required (no default fallback)",
    );
    const waiting = env.outbound.sendText({ to: "user:x", text: "1", accountId: "a" });
    await until(() => env.queue.size === 1);
    await expect(env.outbound.sendText({ to: "user:x", text: "2", accountId: "a" })).rejects.toThrow(
      /not connected/,
    );
    expect(env.lines.some((l) => l.includes("outbound queue full"))).toBe(true);
    const dead = new FakeClient(account("a"));
    dead.setStatus({ auth: "needs-login" });
    env.registry.add({ account: account("a"), client: dead });
    await expect(waiting).rejects.toThrow(/dropped/);
  });
});

describe("outbound media", () => {
  test("local files only from the allowed folders, checked on real paths; URLs pass", async () => {
    const env = setup();
    const client = new FakeClient(account("a"));
    await client.start();
    env.registry.add({ account: account("a"), client });
    const inside = join(env.roots, "chart.png");
    writeFileSync(inside, "png");
    const outsideDir = mkdtempSync(join(tmpdir(), "mo-outside-"));
    writeFileSync(join(outsideDir, "secret.txt"), "secret");
    symlinkSync(join(outsideDir, "secret.txt"), join(env.roots, "link.txt"));
    await env.outbound.sendMedia({ to: "group:g1", text: "", mediaUrl: inside, accountId: "a" });
    await env.outbound.sendMedia({
      to: "group:g1",
      text: "clip",
      mediaUrl: "https://cdn.example/v.mp4",
      accountId: "a",
    });
    expect(client.sent.map((s) => [s.kind, s.source ?? s.text])).toEqual([
      ["image", { path: inside }],
      ["video", { url: "https://cdn.example/v.mp4" }],
      ["text", "clip"],
    ]);
    for (const bad of [
      join(outsideDir, "secret.txt"),
      join(env.roots, "link.txt"),
      `${env.roots}/../x.png`,
      "/etc/passwd",
    ]) {
      await expect(
        env.outbound.sendMedia({ to: "user:a", text: "", mediaUrl: bad, accountId: "a" }),
      ).rejects.toMatchObject({
        code: "MEDIA_REFUSED",
      });
    }
    expect(client.sent).toHaveLength(3);
  });
});
