/** One fault's counted result. A row fails on no recovery, a loss, a duplicate or a leaked secret. */
export interface FaultRow {
  fault: string;
  recovered: boolean;
  outcome: string;
  sent: number;
  received: number;
  duplicates: number;
  refreshCalls: number;
  secretsInLogs: number;
  logLines: number;
}

export function rowFails(row: FaultRow): boolean {
  return !row.recovered || row.received < row.sent || row.duplicates > 0 || row.secretsInLogs > 0;
}
