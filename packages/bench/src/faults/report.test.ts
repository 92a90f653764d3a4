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

test("a loss, a duplicate, a leak or no recovery fails a row, and the run", () => {
  expect(verdict(ok)).toBe("ok");
  expect(verdict({ ...ok, received: 2 })).toBe("FAIL");
  expect(verdict({ ...ok, duplicates: 1 })).toBe("FAIL");
  expect(verdict({ ...ok, secretsInLogs: 1 })).toBe("FAIL");
  expect(verdict({ ...ok, recovered: false })).toBe("FAIL");
  // An answered-twice crash row: received equals sent, only the duplicate count gives it away.
  const doubled = { ...ok, fault: "kill", sent: 1, received: 1, duplicates: 1 };
  expect(verdict(doubled)).toBe("FAIL");
  const { text, failed } = report([ok, doubled, { ...ok, fault: "leak", secretsInLogs: 2 }]);
  expect(failed).toBe(2);
  expect(text).toContain(
    "3 faults: 1 ok, 2 failed; 12 log lines checked against every token minted, 2 secret(s) found",
  );
});
