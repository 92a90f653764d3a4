import { mkdtempSync, statSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";
import type { ClientOptions } from "./types.js";
import { watermarkFile } from "./watermarks.js";

const servers: DevServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(userID: string) {
  const server = await startDevServer();
  servers.push(server);
  server.registerUser("peer");
  server.registerUser("peer2");
  const account = accountOn(server, userID, userID);
  server.createGroup("g", [userID, "peer", "peer2"], { ownerUserID: "peer" });
  const stateDir = mkdtempSync(join(tmpdir(), "moi-watermarks-"));
  dirs.push(stateDir);
  /** A new client instance each time, as a restarted process would build it. */
  const start = async (extra: Partial<ClientOptions> = {}) => {
    const h = harness(account, {
      tokenRefresher: devRefresher(server, () => userID),
      stateDir,
      ...extra,
    });
    await h.client.start();
    await waitFor(() => h.client.status().connected, 10_000, "connected");
    return h;
  };
  return { server, stateDir, start };
}

const ids = (messages: { clientMsgID: string }[]) => messages.map((m) => m.clientMsgID);
const settle = (ms = 800) => new Promise((r) => setTimeout(r, ms));

describe.concurrent("saved positions: what arrived while the process was down is delivered", () => {
  test("a restart catches up the gap once, in order; only the very first start is a baseline", {
    timeout: 40_000,
  }, async () => {
    const { server, stateDir, start } = await setup("bot-wm");
    server.sendAs("peer", "user:bot-wm", "history before the first start");
    const first = await start();
    await settle();
    expect(first.messages).toHaveLength(0); // the first start is a baseline
    const live = server.sendAs("peer", "user:bot-wm", "live").clientMsgID;
    await first.waitFor(() => first.messages.length === 1, 10_000, "live message");
    await first.client.stop();

    const file = watermarkFile(stateDir, "bot-wm");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).not.toContain(server.mintToken("bot-wm"));

    const dm: string[] = [];
    const group: string[] = [];
    for (let i = 0; i < 25; i++) {
      dm.push(server.sendAs("peer", "user:bot-wm", `while down ${i}`).clientMsgID);
      if (i < 4) group.push(server.sendAs("peer2", "group:g", `group while down ${i}`).clientMsgID);
    }
    const second = await start();
    try {
      await second.waitFor(() => second.messages.length >= 29, 15_000, "the gap");
      await settle();
      expect(ids(second.messages.filter((m) => m.kind === "direct"))).toEqual(dm);
      expect(ids(second.messages.filter((m) => m.kind === "group"))).toEqual(group);
      expect(ids(second.messages)).not.toContain(live);
      expect(second.messages.every((m) => m.fromCatchUp)).toBe(true);
      expect(second.client.status().skippedOnCatchUp).toBe(0);
    } finally {
      await second.client.stop();
    }
    // Nothing new: a third start delivers nothing again.
    const third = await start();
    await settle();
    expect(third.messages).toHaveLength(0);
    await third.client.stop();
  });

  test("a message whose listener had not made it safe when the process stopped is delivered again by the next start", {
    timeout: 40_000,
  }, async () => {
    const { server, start } = await setup("bot-hold");
    const first = await start();
    // The listener keeps the second message in hand (its promise never settles: the process dies first);
    // the first and third are made safe at once.
    const held = new Set<string>();
    first.client.on("message", (m) =>
      m.text === "in hand" ? new Promise(() => held.add(m.clientMsgID)) : Promise.resolve(),
    );
    const sent = ["safe 1", "in hand", "safe 2"].map(
      (t) => server.sendAs("peer", "user:bot-hold", t).clientMsgID,
    );
    await first.waitFor(() => first.messages.length === 3, 10_000, "three messages");
    expect(held.size).toBe(1);
    await settle(1500); // past the batched write of positions
    await first.client.stop();

    const second = await start();
    try {
      await second.waitFor(() => second.messages.length >= 2, 15_000, "the held message again");
      await settle();
      // From the held one on: the message in hand, and the one after it (its position was behind the hold).
      expect(ids(second.messages)).toEqual(sent.slice(1));
    } finally {
      await second.client.stop();
    }
  });

  test("catchUpMaxMessages keeps the newest per conversation; the rest is skipped and counted", {
    timeout: 40_000,
  }, async () => {
    const { server, start } = await setup("bot-count");
    const first = await start();
    server.sendAs("peer", "user:bot-count", "seen");
    await first.waitFor(() => first.messages.length === 1, 10_000, "first message");
    await first.client.stop();
    const dm = Array.from(
      { length: 45 },
      (_, i) => server.sendAs("peer", "user:bot-count", `down ${i}`).clientMsgID,
    );
    const group = Array.from(
      { length: 3 },
      (_, i) => server.sendAs("peer2", "group:g", `g ${i}`).clientMsgID,
    );
    const second = await start({ catchUpMaxMessages: 5 });
    try {
      await second.waitFor(() => second.messages.length >= 8, 15_000, "the newest five + group");
      await settle();
      expect(ids(second.messages.filter((m) => m.kind === "direct"))).toEqual(dm.slice(-5));
      expect(ids(second.messages.filter((m) => m.kind === "group"))).toEqual(group);
      expect(second.client.status().skippedOnCatchUp).toBe(40);
    } finally {
      await second.client.stop();
    }
  });

  test("catchUpMaxAgeMinutes skips what is older and counts it", { timeout: 40_000 }, async () => {
    const { server, start } = await setup("bot-age");
    const first = await start();
    server.sendAs("peer", "user:bot-age", "seen");
    await first.waitFor(() => first.messages.length === 1, 10_000, "first message");
    await first.client.stop();
    for (let i = 0; i < 3; i++) server.sendAs("peer", "user:bot-age", `old ${i}`);
    await settle(3500);
    const recent = [0, 1].map((i) => server.sendAs("peer", "user:bot-age", `recent ${i}`).clientMsgID);
    const second = await start({ catchUpMaxAgeMinutes: 0.05 }); // 3 s
    try {
      await second.waitFor(() => second.messages.length >= 2, 15_000, "the recent two");
      await settle();
      expect(ids(second.messages)).toEqual(recent);
      expect(second.client.status().skippedOnCatchUp).toBe(3);
    } finally {
      await second.client.stop();
    }
  });
});
