import { createLogCapture } from "../log-capture.ts";
import { sleep, waitUntil } from "../stats.ts";
import { startKillStack } from "./kill-stack.ts";
import type { FaultRow } from "./row.ts";

const BOT = "kill-bot";

/**
 * kill -9 of a real OpenClaw gateway running the plugin, with one DM at each crash point:
 * (a) KILLA is admitted and journaled, its attachment still downloading: never handed to OpenClaw;
 * (b) KILLB is dispatched, the model still answering: no reply went out.
 * The whole process group is SIGKILLed, the gateway started again on the same config and state, and
 * each DM must be answered exactly once: (a) by the plugin's journal replay, (b) by OpenClaw's own
 * recovery of the interrupted turn (the journal keeps the plugin from answering it a second time).
 */
export async function killMidReplyFaults(budgetMs = 480_000): Promise<FaultRow[]> {
  // One deadline for every wait below, so the run (and its gateways) ends within the budget.
  const deadline = performance.now() + budgetMs;
  const left = (ms: number) => Math.max(1000, Math.min(ms, deadline - performance.now()));
  const stack = await startKillStack();
  const { dev } = stack;
  const answers = (human: string) =>
    dev.messagesFor(human).filter((m) => m.sendID === BOT && m.recvID === human && m.text.startsWith("ACK"));
  const notes: string[] = [];
  try {
    const began = performance.now();
    const first = await stack.start(left(240_000));
    notes.push(`gateway ready ${s(began)}`);
    dev.sendAs("warm", `user:${BOT}`, "hello WARM-1");
    await dev.waitForMessage((m) => m.sendID === BOT && m.text === "ACK WARM-1", left(150_000));

    const b = dev.sendAs("human-b", `user:${BOT}`, "please answer KILLB-1");
    const bInTurn = await waitUntil(() => stack.modelCalls("KILLB-1") === 1, left(120_000), 50);
    const a = dev.sendAs("human-a", `user:${BOT}`, {
      file: { url: stack.media.url("KILLA-1.txt"), name: "KILLA-1.txt", size: 24 },
    });
    const aDownloading = await waitUntil(() => stack.media.requested("KILLA-1.txt") === 1, left(60_000), 20);
    await first.kill9();
    const killedAt = performance.now();
    // What the crash left on disk decides who answers: the kill points are checked, not assumed.
    const states = await stack.journalStates();
    const pointA =
      aDownloading && states.get(a.clientMsgID) === "received" && answers("human-a").length === 0;
    const pointB = bInTurn && states.get(b.clientMsgID) === "dispatched" && answers("human-b").length === 0;

    await stack.start(left(240_000));
    notes.push(`restarted, ready ${s(killedAt)} after the kill`);
    const answered = (human: string) => waitUntil(() => answers(human).length > 0, left(150_000), 100);
    const [gotA, gotB] = await Promise.all([answered("human-a"), answered("human-b")]);
    notes.push(`answered ${s(killedAt)} after the kill`);
    await sleep(8000); // a second answer (a replay and OpenClaw's recovery both answering) would land here
    const output = stack.output();
    const replay = new RegExp(`replaying ${a.clientMsgID} interrupted before dispatch`).test(output);
    const orphan = /startup-orphaned|interrupted main session/.test(output);
    // The plugin retries a hand-off that failed before any reply (e.g. OpenClaw still starting up).
    const retries = output.split(`inbound ${a.clientMsgID} failed`).length - 1;
    // Anything else the bot sent them (a notice, an error) is shown, not counted as an answer.
    const others = (human: string) => {
      const texts = dev
        .messagesFor(human)
        .filter((m) => m.sendID === BOT && !m.text.startsWith("ACK"))
        .map((m) => JSON.stringify(m.text.slice(0, 80)));
      return texts.length ? `${texts.length} (${texts.join(", ")})` : "0";
    };
    const logs = createLogCapture();
    const leaks = logs.leaks(stack.tokens, [output]).length;
    const row = (point: "a" | "b", hit: boolean, got: boolean, count: number, how: string): FaultRow => ({
      fault:
        point === "a"
          ? "kill -9 after admission, before dispatch"
          : "kill -9 after dispatch, before the reply",
      recovered: hit && got && count === 1,
      outcome: `${hit ? "kill point hit" : "KILL POINT MISSED"} (journal: ${states.get(point === "a" ? a.clientMsgID : b.clientMsgID) ?? "no entry"}); answered ${count}× by ${how}; other bot messages ${others(point === "a" ? "human-a" : "human-b")}; ${notes.join(", ")}`,
      sent: 1,
      received: Math.min(count, 1),
      duplicates: Math.max(0, count - 1),
      refreshCalls: 0,
      // Both rows share one gateway output: it is counted (and fails) on the first row only.
      secretsInLogs: point === "a" ? leaks : 0,
      logLines: point === "a" ? output.split("\n").filter(Boolean).length : 0,
    });
    return [
      row(
        "a",
        pointA,
        gotA,
        answers("human-a").length,
        `the plugin's journal replay (${replay ? "logged" : "NOT logged"}; file fetched ${stack.media.requested("KILLA-1.txt")}×, ${retries} hand-off retr${retries === 1 ? "y" : "ies"})`,
      ),
      row(
        "b",
        pointB,
        gotB,
        answers("human-b").length,
        `OpenClaw's restart recovery (${orphan ? "logged" : "not logged"}; model asked ${stack.modelCalls("KILLB-1")}×)`,
      ),
    ];
  } catch (error) {
    throw new Error(`[faults] kill -9 mid-reply: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await stack.stop();
  }
}

const s = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;
