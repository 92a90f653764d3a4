import { type Rig, startRig } from "../rig.ts";
import { waitUntil } from "../stats.ts";
import type { FaultRow } from "./row.ts";

export interface SingleFault {
  fault: string;
  rig?: { refreshTimeoutMs?: number };
  /** Breaks something; may wait for the fault to take hold. */
  inject: (rig: Rig) => unknown;
  /** Heals what needs healing (an endpoint back up, an operator's new token); may return a note. */
  heal?: (rig: Rig) => unknown;
  recoverWithinMs?: number;
  /** The DMs during the fault come from a peer the bot has never talked to (a new conversation). */
  newPeerDuring?: boolean;
}

/**
 * One bot, one fault: a DM before it (warm), three sent during it, three after recovery, and a reply
 * from the bot; then every DM is counted (lost? twice?) and every log line searched for every token.
 */
export async function runSingleFault(spec: SingleFault): Promise<FaultRow> {
  const rig = await startRig(spec.rig);
  const client = rig.clients[0]!;
  const sent: string[] = [];
  let recovered = false;
  let outcome = "";
  try {
    sent.push(...rig.humanSends(0, 1, "warm"));
    await waitUntil(() => rig.tally(0, sent).received === 1, 15_000);
    const before = client.status().reconnects;
    await spec.inject(rig);
    sent.push(
      ...(spec.newPeerDuring ? rig.strangerSends(0, 3, "first contact") : rig.humanSends(0, 3, "during")),
    );
    outcome = String((await spec.heal?.(rig)) ?? "");
    recovered = await waitUntil(
      () => {
        const s = client.status();
        return s.connected && s.auth === "ok" && s.reconnects > before;
      },
      spec.recoverWithinMs ?? 45_000,
      20,
    );
    if (recovered) {
      sent.push(...rig.humanSends(0, 3, "after"));
      await waitUntil(() => rig.tally(0, sent).received === sent.length, 20_000, 20);
      const reply = await client.sendText({ kind: "user", id: "human" }, "bot is back").then(
        () => "reply sent",
        (e: Error) => `reply failed: ${e.message}`,
      );
      outcome = [outcome, reply].filter(Boolean).join("; ");
    } else
      outcome = [outcome, `not recovered: ${client.status().auth} ${client.status().lastError ?? ""}`].join(
        "; ",
      );
    await new Promise((r) => setTimeout(r, 500)); // a late duplicate would land here
    const t = rig.tally(0, sent);
    return {
      fault: spec.fault,
      recovered,
      outcome,
      ...t,
      refreshCalls: rig.endpoint.calls.length,
      secretsInLogs: rig.leaks().length,
      logLines: rig.logLines().length,
    };
  } finally {
    await rig.stop();
  }
}
