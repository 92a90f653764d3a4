import { expect, test } from "vitest";
import { quietConsole } from "../quiet-console.ts";
import { verdict } from "./report.ts";
import { ciSubset, runFaults } from "./suite.ts";

// The CI subset of the reliability suite (the whole one is `pnpm test:faults`): real SDK clients,
// devservers and a loopback refresh endpoint; every DM counted, every log line searched for tokens.
test("CI subset of the fault suite: recovered, nothing lost, nothing doubled, no secret in any log", async () => {
  const quiet = quietConsole();
  const rows = await runFaults(ciSubset()).finally(() => quiet.restore());
  for (const row of rows) {
    expect({ fault: row.fault, verdict: verdict(row), outcome: row.outcome }).toMatchObject({
      verdict: "ok",
    });
    expect(row.received).toBe(row.sent);
  }
  expect(rows.map((r) => r.fault)).toEqual([
    "token expired (1501)",
    "token invalid (1502)",
    "token expired, first DM from a new peer meanwhile",
    "kicked (2002)",
    "refresh endpoint 500, then up",
    "refresh endpoint timeout, then up",
    "refresh endpoint bad JSON",
    "server drops the connection",
    "server restart",
    "slow server (2 s per reply) + drop",
    "config with a path-traversal accountId",
  ]);
  // Each token fault goes through the real refresh endpoint; a failing one is called more than once.
  expect(rows.slice(0, 7).every((r) => r.refreshCalls >= 1)).toBe(true);
  expect(rows[4]!.refreshCalls).toBeGreaterThan(1);
  expect(rows.filter((r) => r.sent > 0).every((r) => r.sent === 7)).toBe(true);
}, 175_000);
