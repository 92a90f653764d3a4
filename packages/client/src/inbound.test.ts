import { expect, test, vi } from "vitest";
import type { HistoryApi } from "./history.js";
import { InboundPipeline } from "./inbound.js";
import type { MessageItem } from "./sdk-loader.js";

// An in-memory server view with the SDK history API's paging semantics (newest page first, oldest-first
// order within a page, isEnd when short). Exercises the pipeline's logic; the devserver tests cover the SDK.
function store() {
  const convs = new Map<string, MessageItem[]>();
  let clock = Date.now(); // within the default catch-up age bound
  const add = (conv: string, sendID: string, text = "") => {
    const list = convs.get(conv) ?? [];
    const seq = list.length + 1;
    const [, a, b] = conv.split("_");
    const item = {
      clientMsgID: `${conv}-${seq}`,
      serverMsgID: `s-${conv}-${seq}`,
      seq,
      sendTime: ++clock,
      sendID,
      recvID: sendID === a ? b : a,
      groupID: "",
      sessionType: 1,
      contentType: 101,
      textElem: { content: text || `m${seq}` },
    } as unknown as MessageItem;
    list.push(item);
    convs.set(conv, list);
    return item;
  };
  const api: HistoryApi & { calls: number } = {
    calls: 0,
    conversationIDs: async () => [...convs.keys()],
    maxSeq: (conv) => convs.get(conv)?.length,
    raiseMaxSeq: () => undefined,
    async page(conv, start, count) {
      api.calls++;
      const list = convs.get(conv) ?? [];
      const end = start ? list.findIndex((m) => m.clientMsgID === start) : list.length;
      const messages = list.slice(Math.max(0, end - count), end);
      return { messages, isEnd: messages.length < count };
    },
  };
  return { add, api };
}

function pipeline(onError?: (what: string, e: unknown) => void, holeGraceMs = 0) {
  const delivered: string[] = [];
  const p = new InboundPipeline({
    holeGraceMs,
    selfUserID: () => "bot",
    queueTimeoutMs: 60_000,
    onError:
      onError ??
      ((what, e) => {
        throw new Error(`${what}: ${String(e)}`);
      }),
    deliver: (item) => delivered.push(item.clientMsgID),
  });
  return { p, delivered };
}

test("first catch-up sets baselines (nothing old delivered); a later one delivers a 15-message gap in order, once", async () => {
  const { add, api } = store();
  const { p, delivered } = pipeline();
  for (let i = 0; i < 5; i++) add("si_bob_bot", "bob");
  p.hold();
  await p.catchUpAll(api);
  expect(delivered).toEqual([]);
  p.setApi(api);
  p.live([add("si_bob_bot", "bob")]);
  expect(delivered).toEqual(["si_bob_bot-6"]);
  // Away: 15 messages; on reconnect the SDK re-delivers only the newest 10, before our catch-up ends.
  p.hold();
  const missed = Array.from({ length: 15 }, () => add("si_bob_bot", "bob"));
  p.live(missed.slice(5));
  await p.catchUpAll(api);
  expect(delivered).toEqual(Array.from({ length: 16 }, (_, i) => `si_bob_bot-${i + 6}`));
});

test("a live seq that leaves a hole fetches the gap first; duplicates and own echoes are never delivered", async () => {
  const { add, api } = store();
  const { p, delivered } = pipeline();
  add("si_bob_bot", "bob");
  await p.catchUpAll(api);
  p.setApi(api);
  const m2 = add("si_bob_bot", "bob");
  const own = add("si_bob_bot", "bot");
  const m4 = add("si_bob_bot", "bob");
  p.live([m4]);
  await new Promise((r) => setTimeout(r, 10));
  expect(delivered).toEqual([m2.clientMsgID, m4.clientMsgID]);
  p.live([m2, m4, own]);
  expect(delivered).toHaveLength(2);
  // The own message's seq was recorded: the next message is contiguous, no history call.
  const calls = api.calls;
  p.live([add("si_bob_bot", "bob")]);
  expect(delivered).toHaveLength(3);
  expect(api.calls).toBe(calls);
});

test("a message that skips only seqs our due echoes fill goes on at once; history checks them if the echoes do not come; any other hole is fetched first", async () => {
  vi.useFakeTimers();
  try {
    const { add, api } = store();
    const { p, delivered } = pipeline(undefined, 150);
    add("si_bob_bot", "bob");
    await p.catchUpAll(api);
    p.setApi(api);
    const calls = api.calls;
    // Our reply (seq 2) was accepted (the send's answer carries no seq yet); bob's next message (seq 3)
    // overtakes its echo: it goes on at once, and a restart meanwhile would go on from below seq 2.
    const own = add("si_bob_bot", "bot");
    p.ownSent({ ...own, seq: 0 });
    const m3 = add("si_bob_bot", "bob");
    p.live([m3]);
    expect(delivered).toEqual([m3.clientMsgID]);
    expect(p.ledger.positions()).toEqual({ si_bob_bot: 1 });
    await vi.advanceTimersByTimeAsync(50);
    p.live([own]); // the echo, 50 ms later
    expect(p.ledger.positions()).toEqual({ si_bob_bot: 3 });
    await vi.advanceTimersByTimeAsync(500);
    expect(api.calls).toBe(calls); // no history call
    // A seq no echo of ours will fill (a lost push, or a read mark's own seq): fetched before m5 goes on.
    const m4 = add("si_bob_bot", "bob");
    const m5 = add("si_bob_bot", "bob");
    p.live([m5]);
    expect(delivered).toEqual([m3.clientMsgID]);
    await vi.waitFor(() => expect(delivered).toEqual([m3.clientMsgID, m4.clientMsgID, m5.clientMsgID]));
    expect(api.calls).toBeGreaterThan(calls);
    // An echo that never comes: m7 goes on at once, history finds seq 6 was ours after the grace.
    const own2 = add("si_bob_bot", "bot");
    p.ownSent({ ...own2, seq: 0 });
    const m7 = add("si_bob_bot", "bob");
    p.live([m7]);
    expect(delivered).toHaveLength(4);
    const before = api.calls;
    await vi.advanceTimersByTimeAsync(100);
    expect(api.calls).toBe(before);
    await vi.advanceTimersByTimeAsync(60);
    await vi.waitFor(() => expect(api.calls).toBeGreaterThan(before));
    await vi.waitFor(() => expect(p.ledger.positions()).toEqual({ si_bob_bot: 7 }));
    expect(delivered).toEqual([m3.clientMsgID, m4.clientMsgID, m5.clientMsgID, m7.clientMsgID]);
    // Found in history, own2 is no longer due: the next lost push is fetched first, in order.
    const m8 = add("si_bob_bot", "bob");
    const m9 = add("si_bob_bot", "bob");
    p.live([m9]);
    await vi.waitFor(() => expect(delivered.slice(-2)).toEqual([m8.clientMsgID, m9.clientMsgID]));
    // An answered send the server never stored (its echo never comes) cannot tell seq 10 from bob's lost
    // push at seq 10: m11 goes on, and the check hands bob's message on late rather than never, once.
    p.ownSent({ ...own2, clientMsgID: "ghost", seq: 0 });
    const m10 = add("si_bob_bot", "bob");
    const m11 = add("si_bob_bot", "bob");
    p.live([m11]);
    expect(delivered.at(-1)).toBe(m11.clientMsgID);
    expect(p.ledger.positions()).toEqual({ si_bob_bot: 9 });
    await vi.advanceTimersByTimeAsync(200);
    await vi.waitFor(() => expect(delivered.at(-1)).toBe(m10.clientMsgID));
    expect(p.ledger.positions()).toEqual({ si_bob_bot: 11 });
    p.live([m10]); // its push, late: never twice
    await vi.advanceTimersByTimeAsync(200);
    expect(delivered.filter((id) => id === m10.clientMsgID)).toHaveLength(1);
    expect(delivered).toHaveLength(8);
  } finally {
    vi.useRealTimers();
  }
});

test("a live hole's gap is fetched whole (no catch-up bound) and never past the queued messages", async () => {
  const { add, api } = store();
  const { p, delivered } = pipeline();
  add("si_bob_bot", "bob");
  await p.catchUpAll(api);
  p.setApi(api);
  // 300 messages stored; pushes for seqs 2..249 were lost, 250..301 arrive live (the server and the SDK
  // already know the newer ones when the gap is fetched).
  const all = Array.from({ length: 300 }, () => add("si_bob_bot", "bob"));
  p.live(all.slice(248));
  await vi.waitFor(() => expect(delivered).toHaveLength(300));
  expect(delivered).toEqual(all.map((m) => m.clientMsgID));
});

test("an own echo above a gap never skips the message in the gap", async () => {
  const { add, api } = store();
  const { p, delivered } = pipeline();
  add("si_bob_bot", "bob");
  await p.catchUpAll(api);
  p.setApi(api);
  const m2 = add("si_bob_bot", "bob"); // its push is late
  const own = add("si_bob_bot", "bot");
  p.live([own]); // seq 3 cannot be taken over the unhandled seq 2
  expect(p.ledger.lastSeq("si_bob_bot")).toBe(1);
  p.live([m2]); // seq 2 handled, and the own seq 3 right after it
  expect(delivered).toEqual([m2.clientMsgID]);
  expect(p.ledger.lastSeq("si_bob_bot")).toBe(3);
});

test("a conversation that appeared while away is delivered (newer than anything handled)", async () => {
  const { add, api } = store();
  const { p, delivered } = pipeline();
  add("si_bob_bot", "bob");
  await p.catchUpAll(api);
  p.setApi(api);
  p.live([add("si_bob_bot", "bob")]);
  p.hold();
  add("si_bot_carol", "carol");
  add("si_bot_carol", "carol");
  await p.catchUpAll(api);
  expect(delivered).toEqual(["si_bob_bot-2", "si_bot_carol-1", "si_bot_carol-2"]);
});

test("live messages that arrive during the first catch-up are not swallowed by the baseline", async () => {
  const { add, api } = store();
  const { p, delivered } = pipeline();
  add("si_bob_bot", "bob");
  p.hold();
  p.live([add("si_bob_bot", "bob")]);
  await p.catchUpAll(api);
  expect(delivered).toEqual(["si_bob_bot-2"]);
});

test("a queue held too long is released", () => {
  const { add } = store();
  const { p, delivered } = pipeline();
  p.hold();
  p.live([add("si_bob_bot", "bob")]);
  expect(delivered).toEqual([]);
  p.checkQueueTimeout(Date.now() + 61_000);
  expect(delivered).toEqual(["si_bob_bot-1"]);
});

test("a failed catch-up reports, keeps the queue held, and the retry delivers everything once", async () => {
  const { add, api } = store();
  const errors: string[] = [];
  const { p, delivered } = pipeline((what) => errors.push(what));
  add("si_bob_bot", "bob");
  await p.catchUpAll(api);
  p.setApi(api);
  p.hold();
  const away = [add("si_bob_bot", "bob"), add("si_bob_bot", "bob")];
  const live = add("si_bob_bot", "bob");
  p.live([live]);
  const page = api.page;
  api.page = async () => {
    throw new Error("history timed out");
  };
  expect(await p.catchUpAll(api)).toBe(false);
  expect(errors).toEqual(["catch-up"]);
  expect(delivered).toEqual([]);
  api.page = page;
  expect(await p.catchUpAll(api)).toBe(true);
  expect(delivered).toEqual([...away, live].map((m) => m.clientMsgID));
});

test("a delivery that returns a promise holds the saved position (and server time) below its message until it resolves", async () => {
  const { add, api } = store();
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const errors: string[] = [];
  const p = new InboundPipeline({
    selfUserID: () => "bot",
    queueTimeoutMs: 60_000,
    onError: (what, e) => errors.push(`${what}: ${String(e)}`),
    deliver: () =>
      new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  });
  add("si_bob_bot", "bob");
  await p.catchUpAll(api);
  p.setApi(api);
  const [m2, m3, m4] = [add("si_bob_bot", "bob"), add("si_bob_bot", "bob"), add("si_bob_bot", "bob")];
  p.live([m2, m3, m4]);
  expect(pending).toHaveLength(3);
  expect(p.ledger.positions()).toEqual({ si_bob_bot: 1 });
  expect(p.ledger.savedServerTime()).toBe(m2.sendTime - 1);
  pending[0]!.resolve();
  pending[2]!.resolve();
  await Promise.resolve();
  await Promise.resolve();
  expect(p.ledger.positions()).toEqual({ si_bob_bot: 2 });
  expect(p.ledger.savedServerTime()).toBe(m3.sendTime - 1);
  // A listener that could not make it safe: reported, and the position stays below it.
  pending[1]!.reject(new Error("disk full"));
  await new Promise((r) => setTimeout(r, 0));
  expect(errors).toEqual(["deliver: Error: disk full"]);
  expect(p.ledger.positions()).toEqual({ si_bob_bot: 2 });
  expect(p.ledger.lastSeq("si_bob_bot")).toBe(4); // live bookkeeping is not held back
});

test("a catch-up cut short after the newest conversations does not skip older ones new since the last one", async () => {
  const { add, api } = store();
  const { p, delivered } = pipeline();
  add("si_bob_bot", "bob");
  await p.catchUpAll(api);
  p.setApi(api);
  p.live([add("si_bob_bot", "bob")]);
  const caughtUp = p.ledger.lastServerTime;
  expect(caughtUp).toBeGreaterThan(0);
  // Restarted from saved positions; while away three new people wrote, oldest first.
  const q = new InboundPipeline({
    holeGraceMs: 0,
    selfUserID: () => "bot",
    queueTimeoutMs: 60_000,
    onError: () => undefined,
    deliver: (item) => delivered.push(item.clientMsgID),
  });
  q.restore({ seqs: p.ledger.positions(), lastServerTime: caughtUp, since: 0 });
  const older = [add("si_ann_bot", "ann"), add("si_cid_bot", "cid")];
  const newest = add("si_dan_bot", "dan");
  // The first catch-up lists the newest conversation first and is cut short (a kick) after it.
  const listed = ["si_dan_bot", "si_ann_bot", "si_cid_bot", "si_bob_bot"];
  const cut = { ...api, conversationIDs: async () => listed };
  let pages = 0;
  const kicked = {
    ...cut,
    async page(conv: string, start: string | undefined, count: number) {
      if (++pages > 1) throw new Error("kicked");
      return api.page(conv, start, count);
    },
  };
  expect(await q.catchUpAll(kicked)).toBe(false);
  expect(delivered.slice(-1)).toEqual([newest.clientMsgID]);
  expect(q.ledger.savedServerTime()).toBe(caughtUp); // a crash now would go on from before the older two
  // After the new login the catch-up completes: the older two are delivered, once.
  expect(await q.catchUpAll(cut)).toBe(true);
  expect(delivered.slice(-3)).toEqual([newest.clientMsgID, ...older.map((m) => m.clientMsgID)]);
  expect(q.ledger.savedServerTime()).toBe(newest.sendTime);
});
