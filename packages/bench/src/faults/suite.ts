import { pathTraversalFault } from "./config-fault.ts";
import { killMidReplyFaults } from "./kill-fault.ts";
import { massExpiryFault } from "./mass-fault.ts";
import { runNetworkFaults } from "./network-faults.ts";
import type { FaultRow } from "./row.ts";
import { soakFaults } from "./soak.ts";
import { runTokenFaults } from "./token-faults.ts";

/** One fault, or one scenario that counts several (the kill -9 run has a row per crash point). */
export type FaultRun = () => Promise<FaultRow | FaultRow[]>;

/** Every fault hosted in this process: one bot (or 50) on devservers, a loopback refresh endpoint. */
export function inProcessFaults(): FaultRun[] {
  return [
    ...runTokenFaults(),
    ...runNetworkFaults(),
    () => massExpiryFault(50),
    () => massExpiryFault(50, true),
    pathTraversalFault,
  ];
}

/** Faults run on a real OpenClaw gateway hosting the plugin (a child process group per gateway). */
export function gatewayFaults(): FaultRun[] {
  return [() => killMidReplyFaults()];
}

/** The soak: a real gateway, two accounts on two devservers, steady DMs while faults land (soak.ts). */
export function soakRuns(progress?: (line: string) => void): FaultRun[] {
  return [() => soakFaults(progress ? { progress } : {})];
}

/** Every fault of the reliability suite, in order; each starts and stops its own servers. */
export function fullSuite(progress?: (line: string) => void): FaultRun[] {
  return [...inProcessFaults(), ...gatewayFaults(), ...soakRuns(progress)];
}

/** Runs faults one after another (they share two cores with everything else); a crash is a failed row. */
export async function runFaults(runs: FaultRun[], onRow?: (row: FaultRow) => void): Promise<FaultRow[]> {
  const rows: FaultRow[] = [];
  for (const [i, run] of runs.entries()) {
    const result = await run().catch(
      (error: unknown): FaultRow => ({
        fault: `fault #${i + 1}`,
        recovered: false,
        outcome: `crashed: ${error instanceof Error ? error.message : String(error)}`,
        sent: 0,
        received: 0,
        duplicates: 0,
        refreshCalls: 0,
        secretsInLogs: 0,
        logLines: 0,
      }),
    );
    for (const row of [result].flat()) {
      rows.push(row);
      onRow?.(row);
    }
  }
  return rows;
}
