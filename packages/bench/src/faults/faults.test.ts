import { expect, test } from "vitest";
import { quietConsole } from "../quiet-console.ts";
import { report, verdict } from "./report.ts";
import { CI_SOAK_WINDOWS, soakFaults } from "./soak.ts";
import { gatewayFaults, inProcessFaults, runFaults } from "./suite.ts";

// The whole reliability suite (`pnpm test:faults` runs the same rows and prints the table): real SDK
// clients, devservers, a loopback refresh endpoint and a real OpenClaw gateway; every DM counted, every
// log line searched for every token.
test("in-process faults: recovered, nothing lost, nothing doubled, no secret in any log", async () => {
  const quiet = quietConsole();
  const rows = await runFaults(inProcessFaults()).finally(() => quiet.restore());
  // A failing row is shown whole: which fault, what happened, the counts.
  expect(rows.filter((r) => verdict(r) !== "ok")).toEqual([]);
  expect(rows.every((r) => r.received === r.sent)).toBe(true);
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
    "50 accounts expiring together",
    "50 accounts expiring together, first DMs from new peers",
    "config with a path-traversal accountId",
  ]);
  // Each token fault goes through the real refresh endpoint; a failing one is called more than once.
  expect(rows.slice(0, 7).every((r) => r.refreshCalls >= 1)).toBe(true);
  expect(rows[4]!.refreshCalls).toBeGreaterThan(1);
  expect(rows.slice(0, 10).every((r) => r.sent === 7)).toBe(true);
  // One refresh per account, a DM per account during the outage.
  expect(rows.slice(10, 12).map((r) => [r.sent, r.refreshCalls])).toEqual([
    [50, 50],
    [50, 50],
  ]);
}, 300_000);

// The gateway's process groups are ended inside the run, which keeps to its own 480 s budget.
test("kill -9 of a real gateway at both crash points: each DM answered exactly once after the restart", async () => {
  const rows = await runFaults(gatewayFaults());
  expect(rows.map((r) => [r.fault, verdict(r), r.sent, r.received, r.duplicates, r.secretsInLogs])).toEqual([
    ["kill -9 after admission, before dispatch", "ok", 1, 1, 0, 0],
    ["kill -9 after dispatch, before the reply", "ok", 1, 1, 0, 0],
  ]);
  for (const row of rows) expect(row.outcome).toMatch(/^kill point hit/);
  expect(rows[0]!.logLines).toBeGreaterThan(0);
}, 540_000);

// The soak's CI subset (soak.ts, CI_SOAK_WINDOWS): a real gateway, two accounts on two devservers, a DM
// every 2.5 s while a clean restart and a crash (DMs sent while down), a drop during a reply, an expiry
// during replies, a kick and a server restart land in turn. Every DM answered exactly once, counted on
// the devservers; every log line searched for every token. The full soak runs in `pnpm test:faults`.
test("soak (CI subset): every DM answered exactly once through restarts, a crash and network and token faults", async () => {
  const quiet = quietConsole();
  const rows = await soakFaults({ short: true, everyMs: 2500, only: CI_SOAK_WINDOWS }).finally(() =>
    quiet.restore(),
  );
  console.log(report(rows).text);
  expect(rows.map((r) => r.fault)).toEqual(["soak: starting", ...CI_SOAK_WINDOWS.map((w) => `soak: ${w}`)]);
  expect(rows.filter((r) => verdict(r) !== "ok")).toEqual([]);
  expect(rows.reduce((sum, r) => sum + r.sent, 0)).toBeGreaterThan(30);
  expect(rows.every((r) => r.received === r.sent && r.duplicates === 0)).toBe(true);
  expect(rows[0]!.secretsInLogs).toBe(0);
  // Longer than the soak's own bounds (two restarts of up to 300 s, 600 s for the last answers): a slow
  // run ends with its table, not a bare timeout.
}, 1_800_000);
