import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MultiOpenimError } from "@multi-openim/core";
import { describe, expect, test } from "vitest";
import { createOutbound } from "./outbound.js";
import { AccountRegistry } from "./registry.js";
import { Sends } from "./sends.js";
import { fakeAccount as account, FakeClient, memoryLogger, until } from "./test-doubles.js";

function setup(limits: { maxItems?: number; maxWaitMs?: number } = {}) {
  const registry = new AccountRegistry();
  const { logger, lines } = memoryLogger();
  const sends = new Sends({
    registry,
    configured: () => ["a"],
    log: () => logger,
    pollMs: 10,
    ...limits,
  });
  const roots = mkdtempSync(join(tmpdir(), "mo-roots-"));
  const outbound = createOutbound({ registry, sends, mediaRoots: () => [roots] });
  return { registry, sends, lines, outbound, roots };
}

async function running(env: ReturnType<typeof setup>) {
  const client = new FakeClient(account("a"));
  await client.start();
  env.registry.add({ account: account("a"), client });
  return client;
}

describe("sends by account id (waiting for a connection is the client's: client.send-queue.test.ts)", () => {
  test("an account not running yet (gateway restart) is waited for; one that does not come back is dropped with a reason", async () => {
    const env = setup({ maxWaitMs: 150 });
    const late = env.outbound.sendText({ to: "user:alice", text: "late", accountId: "a" });
    await expect(late).rejects.toThrow(
      /dropped after \d+s waiting for the account to run \(nothing was sent\)/,
    );
    expect(env.lines.some((l) => l.startsWith("warn") && l.includes("dropped after"))).toBe(true);
    const ok = setup({ maxWaitMs: 5000 });
    const pending = ok.outbound.sendText({ to: "user:alice", text: "hello", accountId: "a" });
    await until(() => ok.sends.waiting === 1);
    const client = await running(ok);
    await pending;
    expect(client.sent.map((s) => s.text)).toEqual(["hello"]);
  });

  test("a send its client gave up before issuing (stopped by a restart while it waited) goes to the new client, once", async () => {
    const env = setup();
    const old = await running(env);
    old.offline = true;
    const first = env.outbound.sendText({ to: "user:alice", text: "across the restart", accountId: "a" });
    await until(() => old.waiting === 1);
    // A health restart: the old client stops, a new one takes the account.
    env.registry.remove("a", old);
    await old.stop();
    const fresh = await running(env);
    await first;
    expect(old.sent).toEqual([]);
    expect(fresh.sent.map((s) => s.text)).toEqual(["across the restart"]);
  });

  test("a send whose outcome is unknown is never sent again by the plugin (the client settles it)", async () => {
    const env = setup();
    const client = await running(env);
    let attempts = 0;
    client.sendText = async () => {
      attempts += 1;
      throw new MultiOpenimError("SEND_TIMEOUT", "sendText: outcome unknown");
    };
    await expect(
      env.outbound.sendText({ to: "user:alice", text: "x", accountId: "a" }),
    ).rejects.toMatchObject({
      code: "SEND_TIMEOUT",
    });
    expect(attempts).toBe(1);
  });

  test("unknown accounts, needs-login and a full wait fail at once", async () => {
    const env = setup({ maxItems: 1 });
    await expect(env.outbound.sendText({ to: "user:x", text: "hi", accountId: "zz" })).rejects.toThrow(
      'account "zz" is not connected',
    );
    await expect(env.outbound.sendText({ to: "user:x", text: "hi" })).rejects.toThrow(
      "accountId is required (no default fallback)",
    );
    const waiting = env.outbound.sendText({ to: "user:x", text: "1", accountId: "a" });
    await until(() => env.sends.waiting === 1);
    await expect(env.outbound.sendText({ to: "user:x", text: "2", accountId: "a" })).rejects.toThrow(
      /not running/,
    );
    expect(env.lines.some((l) => l.includes("sends already wait for their account"))).toBe(true);
    const dead = new FakeClient(account("a"));
    dead.setStatus({ auth: "needs-login" });
    env.registry.add({ account: account("a"), client: dead });
    await expect(waiting).rejects.toThrow(/dropped/);
    await expect(env.outbound.sendText({ to: "user:x", text: "3", accountId: "a" })).rejects.toThrow(
      'account "a" is not connected',
    );
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
