import { readJournalFile } from "@multi-openim/testkit";
import { describe, expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import { journalPath } from "./gateway.js";
import type { DispatchParams } from "./runtime-types.js";
import { pluginWithDoubles, startAccountOnDoubles, until } from "./test-doubles.js";
import {
  isFailureNotice,
  TurnNotTakenError,
  trackTurnAdoption,
  turnWentUnanswered,
} from "./turn-adoption.js";

type Lifecycle = {
  admission: string;
  onAdopted(): Promise<void>;
  onDeferred(): boolean;
  onAbandoned(): void;
  onSettled(): void;
};
const lifecycleOf = (options: { turnAdoptionLifecycle: Record<string, unknown> }) =>
  options.turnAdoptionLifecycle as unknown as Lifecycle;

describe("trackTurnAdoption", () => {
  test("adoption runs the callback once, exclusive admission, nothing pending after the dispatch", async () => {
    let calls = 0;
    const adoption = trackTurnAdoption(() => {
      calls += 1;
    });
    const lifecycle = lifecycleOf(adoption.replyOptions);
    expect(lifecycle.admission).toBe("exclusive");
    await lifecycle.onAdopted();
    await lifecycle.onAdopted();
    expect(calls).toBe(1);
    expect(adoption.adopted).toBe(true);
    await expect(adoption.settled(new AbortController().signal)).resolves.toBeUndefined();
  });

  test("a dispatch that ends without adoption or queueing (a command, a declined turn) is settled", async () => {
    const adoption = trackTurnAdoption(() => undefined);
    await expect(adoption.settled(new AbortController().signal)).resolves.toBeUndefined();
    expect(adoption.adopted).toBe(false);
  });

  test("a turn queued behind another is waited for until OpenClaw adopts it", async () => {
    const adoption = trackTurnAdoption(() => undefined);
    const lifecycle = lifecycleOf(adoption.replyOptions);
    expect(lifecycle.onDeferred()).toBe(true); // accepted into OpenClaw's queue
    let settled = false;
    const waiting = adoption.settled(new AbortController().signal).then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    await lifecycle.onAdopted();
    await waiting;
    expect(settled).toBe(true);
  });

  test("a queued turn OpenClaw drops, or one still queued at stop, is reported as not taken", async () => {
    const dropped = trackTurnAdoption(() => undefined);
    lifecycleOf(dropped.replyOptions).onDeferred();
    const waiting = dropped.settled(new AbortController().signal);
    lifecycleOf(dropped.replyOptions).onAbandoned();
    await expect(waiting).rejects.toBeInstanceOf(TurnNotTakenError);

    const stopping = trackTurnAdoption(() => undefined);
    lifecycleOf(stopping.replyOptions).onDeferred();
    const abort = new AbortController();
    const held = stopping.settled(abort.signal);
    abort.abort();
    await expect(held).rejects.toThrow(/stopped while the turn was queued/);
  });
});

const cfg = twoAccountConfig();

describe("the crash journal follows OpenClaw's adoption", () => {
  const stateOnDisk = async (stateDir: string, id: string) => {
    return (await readJournalFile(journalPath(stateDir, "a"))).get(id)?.state;
  };

  test("a turn OpenClaw holds only in memory stays received on disk and is replayed after a crash", async () => {
    // Stopped as a crash ends it: without waiting for the turn OpenClaw still holds.
    const env = pluginWithDoubles({ options: { handoffSettleMs: 0 } });
    // OpenClaw took the dispatch but has not made the turn durable yet (a slow, loaded gateway).
    env.runtime.inbound.dispatch = (params: DispatchParams) => {
      env.dispatched.push(params);
      return new Promise(() => undefined);
    };
    const first = await startAccountOnDoubles(env, cfg);
    first.client.push({ kind: "direct", text: "held in memory", clientMsgID: "m-held" });
    await until(() => env.dispatched.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(await stateOnDisk(env.stateDir, "m-held")).toBe("received");

    // The gateway goes away with the turn still in OpenClaw's memory (stopping this instance frees the
    // account's lease and leaves the entry as it is on disk, as a crash would); the next start replays it.
    first.abort.abort();
    await first.running;
    expect(await stateOnDisk(env.stateDir, "m-held")).toBe("received");
    const again = pluginWithDoubles({ stateDir: env.stateDir });
    const second = await startAccountOnDoubles(again, cfg);
    await until(() => second.client.sent.length === 1);
    expect(again.lines.some((l) => l.includes("replaying m-held"))).toBe(true);
    expect(again.dispatched).toHaveLength(1);
    second.abort.abort();
    await second.running;
  });

  test("once OpenClaw adopted the turn it is dispatched on disk and left to OpenClaw's recovery", async () => {
    // Stopped as a crash ends it: without waiting for the turn OpenClaw still holds.
    const env = pluginWithDoubles({ options: { handoffSettleMs: 0 } });
    env.runtime.inbound.dispatch = async (params: DispatchParams) => {
      env.dispatched.push(params);
      const lifecycle = (params.replyOptions as { turnAdoptionLifecycle: Lifecycle }).turnAdoptionLifecycle;
      await lifecycle.onAdopted();
      return new Promise(() => undefined); // the model is still thinking when the process dies
    };
    const first = await startAccountOnDoubles(env, cfg);
    first.client.push({ kind: "direct", text: "adopted", clientMsgID: "m-adopted" });
    await until(() => env.dispatched.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(await stateOnDisk(env.stateDir, "m-adopted")).toBe("dispatched");
    first.abort.abort();
    await first.running;

    const again = pluginWithDoubles({ stateDir: env.stateDir });
    const second = await startAccountOnDoubles(again, cfg);
    await new Promise((r) => setTimeout(r, 100));
    expect(again.dispatched).toHaveLength(0);
    expect(again.lines.some((l) => l.includes("replaying m-adopted"))).toBe(false);
    second.abort.abort();
    await second.running;
  });
});

describe("a turn whose agent run failed without an answer", () => {
  // What OpenClaw 2026.9.6 returns (dispatch-from-config finalize) when the run's terminal outcome is
  // "failed": no final reply, and the "no visible reply" notice not delivered either.
  const failedRun = {
    admission: { kind: "dispatch" },
    dispatched: true,
    dispatchResult: {
      queuedFinal: false,
      counts: { tool: 0, block: 0, final: 0 },
      noVisibleReplyFallbackEligible: true,
    },
  };

  test("is told apart from an answered, a deliberately silent and a declined turn", () => {
    expect(turnWentUnanswered(failedRun)).toBe(true);
    // What a drain aborting the run leaves: OpenClaw's terminal-outcome marker on the result.
    const aborted = {
      dispatchResult: Object.assign(
        { queuedFinal: false, counts: { final: 0 } },
        { [Symbol.for("openclaw.agentRunTerminalOutcome")]: "failed" },
      ),
    };
    expect(turnWentUnanswered(aborted)).toBe(true);
    const answered = { dispatchResult: { queuedFinal: true, counts: { final: 1 } } };
    const silent = {
      dispatchResult: { queuedFinal: false, counts: { final: 0 }, deliberateSilentTerminalReply: true },
    };
    const steered = {
      dispatchResult: { ...failedRun.dispatchResult, deferredToActiveRun: "steer" },
    };
    for (const r of [answered, silent, steered, { admission: { kind: "drop" } }, undefined])
      expect(turnWentUnanswered(r)).toBe(false);
  });

  test("is handed to OpenClaw again and answered once", async () => {
    const env = pluginWithDoubles({ options: { inboundRetryDelaysMs: [20, 20] } });
    let attempts = 0;
    env.runtime.inbound.dispatch = async (params: DispatchParams) => {
      env.dispatched.push(params);
      attempts += 1;
      if (attempts === 1) return failedRun; // e.g. a drain aborted the run
      await params.delivery.deliver({ text: "pong" }, { kind: "final" });
      return { admission: { kind: "dispatch" }, dispatched: true };
    };
    const a = await startAccountOnDoubles(env, cfg);
    a.client.push({ kind: "direct", text: "answer me", clientMsgID: "m-failed-run" });
    await until(() => a.client.sent.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toBe(2);
    expect(a.client.sent).toHaveLength(1);
    expect(
      env.lines.some((l) => l.includes("m-failed-run failed (OpenClaw's turn ended without an answer")),
    ).toBe(true);
    a.abort.abort();
    await a.running;
  });
});

describe("a restart aborting a turn in flight", () => {
  // What a real gateway did at SIGTERM (seen in the soak): each sender got OpenClaw's restart notice,
  // and the dispatch result carried the "failed" terminal outcome with that notice as its final.
  const RESTART = "⚠️ Gateway is restarting. Please wait a few seconds and try again.";
  const aborted = {
    admission: { kind: "dispatch" },
    dispatched: true,
    dispatchResult: Object.assign(
      { queuedFinal: true, counts: { tool: 0, block: 0, final: 1 } },
      { [Symbol.for("openclaw.agentRunTerminalOutcome")]: "failed" },
    ),
  };

  test("OpenClaw's notices are not answers", () => {
    expect(isFailureNotice({ text: RESTART })).toBe(true);
    expect(isFailureNotice({ text: "⚠️ Agent failed", isError: true })).toBe(true);
    expect(isFailureNotice({ text: "ACK SOAK-1" })).toBe(false);
  });

  test("the sender gets the notice, then the answer once the turn is handed over again", async () => {
    const env = pluginWithDoubles({ options: { inboundRetryDelaysMs: [20, 20] } });
    let attempts = 0;
    env.runtime.inbound.dispatch = async (params: DispatchParams) => {
      env.dispatched.push(params);
      attempts += 1;
      if (attempts === 1) {
        await params.delivery.deliver({ text: RESTART }, { kind: "final" });
        return aborted;
      }
      await params.delivery.deliver({ text: "the answer" }, { kind: "final" });
      return { admission: { kind: "dispatch" }, dispatched: true };
    };
    const a = await startAccountOnDoubles(env, cfg);
    a.client.push({ kind: "direct", text: "answer me", clientMsgID: "m-restart" });
    await until(() => a.client.sent.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toBe(2);
    expect(a.client.sent.map((s) => (s as { text?: string }).text)).toEqual([RESTART, "the answer"]);
    // OpenClaw drops a second turn with an id it already took ("skipped:duplicate", even after a
    // restart): the second hand-over carries a distinct one.
    const ids = env.contexts.map((c) => c.messageId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(String(ids[1])).toMatch(new RegExp(`^${String(ids[0])}#[0-9a-z]+\\.1$`));
    a.abort.abort();
    await a.running;
  });
});

test("a message replayed after a restart goes to OpenClaw with a distinct id", async () => {
  // Stopped as a crash ends it: without waiting for the turn OpenClaw still holds.
  const env = pluginWithDoubles({ options: { handoffSettleMs: 0 } });
  env.runtime.inbound.dispatch = (params: DispatchParams) => {
    env.dispatched.push(params);
    return new Promise(() => undefined); // held in memory when the gateway goes away
  };
  const first = await startAccountOnDoubles(env, cfg);
  first.client.push({ kind: "direct", text: "again", clientMsgID: "m-again", serverMsgID: "srv-9" });
  await until(() => env.dispatched.length === 1);
  first.abort.abort();
  await first.running;
  const again = pluginWithDoubles({ stateDir: env.stateDir });
  const second = await startAccountOnDoubles(again, cfg);
  await until(() => second.client.sent.length === 1);
  expect(env.contexts[0]?.messageId).toBe("srv-9");
  expect(String(again.contexts[0]?.messageId)).toMatch(/^srv-9#[0-9a-z]+\.1$/);
  expect(String(again.contexts[0]?.messageIdFull)).toMatch(/^m-again#[0-9a-z]+\.1$/);
  second.abort.abort();
  await second.running;
});

test("hand-over ids carry this process's mark (OpenClaw remembers the ids the process before used)", async () => {
  const { handoverId } = await import("./inbound.js");
  expect(handoverId("m", 0)).toBe("m");
  const first = handoverId("m", 1);
  expect(first).toContain(process.pid.toString(36)); // another process: another pid, another start time
  expect(first).toMatch(/^m#[0-9a-z]+\.1$/);
  expect(handoverId("m", 2)).toMatch(/^m#[0-9a-z]+\.2$/);
});
