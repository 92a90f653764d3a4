import { expect, test } from "vitest";
import { report, verdict } from "./report.ts";
import type { FaultRow } from "./row.ts";

const ok: FaultRow = {
  fault: "drop",
  recovered: true,
  outcome: "",
  sent: 3,
  received: 3,
  duplicates: 0,
  refreshCalls: 0,
  secretsInLogs: 0,
  logLines: 4,
};

test("a loss, a duplicate, a leak or no recovery fails a row; a known gap is printed, not passed", () => {
  expect(verdict(ok)).toBe("ok");
  expect(verdict({ ...ok, received: 2 })).toBe("FAIL");
  expect(verdict({ ...ok, duplicates: 1 })).toBe("FAIL");
  expect(verdict({ ...ok, secretsInLogs: 1 })).toBe("FAIL");
  expect(verdict({ ...ok, recovered: false })).toBe("FAIL");
  const gap = { ...ok, fault: "kill", recovered: false, received: 0, knownGap: "issue 10" };
  expect(verdict(gap)).toBe("KNOWN GAP");
  expect(verdict({ ...gap, duplicates: 1 })).toBe("FAIL");
  expect(verdict({ ...gap, secretsInLogs: 1 })).toBe("FAIL");
  const { text, failed } = report([ok, gap, { ...ok, fault: "leak", secretsInLogs: 2 }]);
  expect(failed).toBe(1);
  expect(text).toContain("KNOWN GAP — kill: issue 10");
  expect(text).toContain(
    "3 faults: 1 ok, 1 failed, 1 known gap(s); 12 log lines checked against every token minted, 2 secret(s) found",
  );
});
