import { readFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import { journalPath } from "./gateway.js";
import type { DispatchParams } from "./runtime-types.js";
import type { ChannelSnapshot } from "./status.js";
import { type FakeClient, pluginWithDoubles, until } from "./test-doubles.js";
import { TurnNotTakenError, trackTurnAdoption } from "./turn-adoption.js";

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

describe("the crash journal follows OpenClaw's adoption", () => {
  const cfg = twoAccountConfig();

  async function start(env: ReturnType<typeof pluginWithDoubles>) {
    const abort = new AbortController();
    const statuses: ChannelSnapshot[] = [];
    const running = env.plugin.channel.gateway.startAccount({
      cfg,
      accountId: "a",
      account: env.plugin.channel.config.resolveAccount(cfg, "a"),
      abortSignal: abort.signal,
      setStatus: (s) => statuses.push(s),
    });
    await until(() => statuses.some((s) => s.connected));
    return { client: env.clients.at(-1) as FakeClient, abort, running };
  }

  const stateOnDisk = async (stateDir: string, id: string) => {
    const raw = await readFile(journalPath(stateDir, "a"), "utf8").catch(() => "{}");
    const saved = JSON.parse(raw) as { entries?: { id: string; state: string }[] };
    return saved.entries?.find((e) => e.id === id)?.state;
  };

  test("a turn OpenClaw holds only in memory stays received on disk and is replayed after a crash", async () => {
    const env = pluginWithDoubles();
    // OpenClaw took the dispatch but has not made the turn durable yet (a slow, loaded gateway).
    env.runtime.inbound.dispatch = (params: DispatchParams) => {
      env.dispatched.push(params);
      return new Promise(() => undefined);
    };
    const first = await start(env);
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
    const second = await start(again);
    await until(() => second.client.sent.length === 1);
    expect(again.lines.some((l) => l.includes("replaying m-held"))).toBe(true);
    expect(again.dispatched).toHaveLength(1);
    second.abort.abort();
    await second.running;
  });

  test("once OpenClaw adopted the turn it is dispatched on disk and left to OpenClaw's recovery", async () => {
    const env = pluginWithDoubles();
    env.runtime.inbound.dispatch = async (params: DispatchParams) => {
      env.dispatched.push(params);
      const lifecycle = (params.replyOptions as { turnAdoptionLifecycle: Lifecycle }).turnAdoptionLifecycle;
      await lifecycle.onAdopted();
      return new Promise(() => undefined); // the model is still thinking when the process dies
    };
    const first = await start(env);
    first.client.push({ kind: "direct", text: "adopted", clientMsgID: "m-adopted" });
    await until(() => env.dispatched.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(await stateOnDisk(env.stateDir, "m-adopted")).toBe("dispatched");
    first.abort.abort();
    await first.running;

    const again = pluginWithDoubles({ stateDir: env.stateDir });
    const second = await start(again);
    await new Promise((r) => setTimeout(r, 100));
    expect(again.dispatched).toHaveLength(0);
    expect(again.lines.some((l) => l.includes("replaying m-adopted"))).toBe(false);
    second.abort.abort();
    await second.running;
  });
});
