import { renderTable } from "../table.ts";
import { type FaultRow, rowFails } from "./row.ts";

export function verdict(row: FaultRow): "ok" | "FAIL" | "KNOWN GAP" {
  if (!rowFails(row)) return "ok";
  // A known gap covers a missing answer only: a duplicate or a leaked secret beside it still fails.
  return row.knownGap && row.duplicates === 0 && row.secretsInLogs === 0 ? "KNOWN GAP" : "FAIL";
}

/** The table, a line per known gap, and the totals; `failed` excludes only rows marked as known gaps. */
export function report(rows: readonly FaultRow[]): { text: string; failed: number } {
  const lines = rows.reduce((n, r) => n + r.logLines, 0);
  const leaks = rows.reduce((n, r) => n + r.secretsInLogs, 0);
  // The last "fault": every log line of the run searched for every token, summed as its own row.
  const logRow = [
    "every log line checked for tokens",
    leaks ? "FAIL" : "ok",
    ...["", "", "", "", ""],
    String(leaks),
    String(lines),
    "all rows above",
  ];
  const table = renderTable(
    [
      "fault",
      "result",
      "recovered",
      "sent",
      "received",
      "dup",
      "refresh calls",
      "secrets in logs",
      "log lines",
      "outcome",
    ],
    rows
      .map((r) => [
        r.fault,
        verdict(r),
        r.recovered ? "yes" : "no",
        String(r.sent),
        String(r.received),
        String(r.duplicates),
        String(r.refreshCalls),
        String(r.secretsInLogs),
        String(r.logLines),
        r.outcome,
      ])
      .concat([logRow]),
  );
  const gaps = rows
    .filter((r) => verdict(r) === "KNOWN GAP")
    .map((r) => `KNOWN GAP — ${r.fault}: ${r.knownGap}`);
  const failed = rows.filter((r) => verdict(r) === "FAIL").length;
  const totals = `${rows.length} faults: ${rows.length - failed - gaps.length} ok, ${failed} failed, ${gaps.length} known gap(s); ${lines} log lines checked against every token minted, ${leaks} secret(s) found`;
  return { text: [table, ...gaps, totals].join("\n"), failed };
}
