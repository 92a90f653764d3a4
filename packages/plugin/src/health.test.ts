import type { ResolvedAccount } from "@multi-openim/core";
import { expect, test } from "vitest";
import { startHealthWatch } from "./health.js";
import { FakeClient, memoryLogger, until } from "./test-doubles.js";

const account = { accountId: "a", userID: "u" } as ResolvedAccount;

test("re-publishes status and restarts only a connected account whose transport went silent", async () => {
  const client = new FakeClient(account);
  await client.start();
  let published = 0;
  const restarts: string[] = [];
  let now = Date.now();
  const stop = startHealthWatch({
    client: () => client,
    intervalMs: 40,
    publishEveryMs: 10,
    publish: () => published++,
    restart: async (reason) => {
      restarts.push(reason);
    },
    log: memoryLogger().logger,
    now: () => now,
  });
  await until(() => published >= 3);
  expect(restarts).toEqual([]);
  now += 120_000; // two minutes without a frame
  await until(() => restarts.length === 1);
  expect(restarts[0]).toMatch(/no transport activity for 1\d\d s/);
  client.setStatus({ connected: false });
  const before = restarts.length;
  await new Promise((r) => setTimeout(r, 100));
  expect(restarts.length).toBe(before);
  stop();
});
