import { renderTable } from "../table.ts";
import { type FaultRow, rowFails } from "./row.ts";

export function verdict(row: FaultRow): "ok" | "FAIL" {
  return rowFails(row) ? "FAIL" : "ok";
}

/** The table and the totals; `failed` counts every row with no recovery, a loss, a duplicate or a leak. */
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
  const failed = rows.filter((r) => verdict(r) === "FAIL").length;
  const totals = `${rows.length} faults: ${rows.length - failed} ok, ${failed} failed; ${lines} log lines checked against every token minted, ${leaks} secret(s) found`;
  return { text: [table, totals].join("\n"), failed };
}
