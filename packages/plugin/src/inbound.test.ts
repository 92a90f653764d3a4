import { mkdtempSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJournalFile } from "@multi-openim/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import { journalPath } from "./gateway.js";
import { pluginWithDoubles, startAccountOnDoubles, until } from "./test-doubles.js";

let server: Server;
let base = "";
const png = Buffer.alloc(4096, 1);
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/cat.png") res.writeHead(200, { "content-type": "image/png" }).end(png);
    else if (req.url === "/clip.mp4")
      res.writeHead(200, { "content-type": "video/mp4" }).end(Buffer.alloc(2048, 2));
    else if (req.url === "/big.bin") res.writeHead(200).end(Buffer.alloc(2 * 1024 * 1024));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cfg.channels["multi-openim"].accounts.a.apiAddr = base;
});
afterAll(() => new Promise((r) => server.close(r)));

function setup(stateDir = mkdtempSync(join(tmpdir(), "mo-inbound-"))) {
  return pluginWithDoubles({ stateDir, reply: "ok", options: { inboundRetryDelaysMs: [20, 20] } });
}

// Account "a"'s apiAddr becomes the test server: media is trusted from the OpenIM server's own host:port.
const cfg = twoAccountConfig({ mediaMaxMb: 1 });

const bodyOf = (ctx: Record<string, unknown> | undefined) =>
  (ctx?.message as { bodyForAgent?: string } | undefined)?.bodyForAgent ?? "";
const commandOf = (ctx: Record<string, unknown> | undefined) =>
  (ctx?.message as { commandBody?: string } | undefined)?.commandBody;

describe("inbound media, quotes and mentions", () => {
  test("images and videos from the OpenIM host reach the agent as saved media; media-only messages get text", async () => {
    const env = setup();
    const a = await startAccountOnDoubles(env, cfg);
    a.client.push({ kind: "direct", text: "", media: [{ kind: "image", url: `${base}/cat.png` }] });
    a.client.push({ kind: "direct", text: "watch", media: [{ kind: "video", url: `${base}/clip.mp4` }] });
    await until(() => env.contexts.length === 2);
    const image = env.contexts.find((c) => !bodyOf(c).includes("watch"));
    const video = env.contexts.find((c) => bodyOf(c).includes("watch"));
    const imageMedia = (
      image?.media as { path: string; kind: string; contentType: string }[] | undefined
    )?.[0];
    expect(imageMedia).toMatchObject({ kind: "image", contentType: "image/png" });
    expect((await readFile(imageMedia?.path as string)).equals(png)).toBe(true);
    expect(imageMedia?.path.startsWith(env.mediaDir)).toBe(true);
    expect(bodyOf(image)).toBe("[image] (attached)");
    expect(video?.media).toMatchObject([{ kind: "video", contentType: "video/mp4", sizeBytes: 2048 }]);
    expect(bodyOf(video)).toBe("watch\n[video] (attached)");
    await a.stop();
  });

  test("refused or failed downloads still deliver the text with a note", async () => {
    const env = setup();
    const a = await startAccountOnDoubles(env, cfg);
    const cases = [
      ["meta", "http://169.254.169.254/latest/meta-data", /not from an allowed host/],
      ["file", "file:///etc/passwd", /not from an allowed host/],
      ["big", `${base}/big.bin`, /larger than mediaMaxMb/],
      ["missing", `${base}/nope.png`, /download failed/],
    ] as const;
    for (const [tag, url] of cases)
      a.client.push({
        kind: "direct",
        text: `case ${tag}`,
        media: [{ kind: "file", url, name: `${tag}.bin` }],
      });
    await until(() => env.contexts.length === cases.length, 5000);
    for (const [tag, , why] of cases) {
      const ctx = env.contexts.find((c) => bodyOf(c).startsWith(`case ${tag}`));
      expect(ctx?.media).toBeUndefined();
      expect(bodyOf(ctx)).toContain(`[file: ${tag}.bin] (not downloaded: `);
      expect(bodyOf(ctx)).toMatch(why);
    }
    await until(() => a.client.sent.filter((s) => s.text === "ok").length === cases.length);
    await a.stop();
  });

  test("a quote gives the agent the quoted sender and text; the bot's own @name is stripped", async () => {
    const env = setup();
    const a = await startAccountOnDoubles(env, cfg);
    a.client.push(
      {
        kind: "group",
        groupID: "g1",
        text: "@bot_a what about this? cc @carol",
        mentionsSelf: true,
        quote: { senderID: "bob", text: "the build is red", clientMsgID: "q1" },
      },
      "alice",
    );
    await until(() => env.contexts.length === 1);
    expect(bodyOf(env.contexts[0])).toBe('[Quoting bob: "the build is red"]\nwhat about this? cc @carol');
    expect(commandOf(env.contexts[0])).toBe("what about this? cc @carol");
    await a.stop();
  });

  test("the @name the sender's client wrote for the bot (atUsersInfo) is stripped too; others' stay", async () => {
    const env = setup();
    const a = await startAccountOnDoubles(env, cfg);
    a.client.push(
      {
        kind: "group",
        groupID: "g1",
        text: "@Bot A: /status please, @Carol Ng",
        mentionsSelf: true,
        mentionNames: { bot_a: "Bot A", carol: "Carol Ng" },
      },
      "alice",
    );
    await until(() => env.contexts.length === 1);
    expect(bodyOf(env.contexts[0])).toBe("/status please, @Carol Ng");
    expect(commandOf(env.contexts[0])).toBe("/status please, @Carol Ng");
    await a.stop();
  });
});

describe("crash journal", () => {
  test("a message answered before a restart is not answered again after it", async () => {
    const env = setup();
    const first = await startAccountOnDoubles(env, cfg);
    const m = first.client.push({ kind: "direct", text: "once", clientMsgID: "msg-1" });
    await until(() => first.client.sent.length === 1);
    await first.stop();
    const again = setup(env.stateDir);
    const second = await startAccountOnDoubles(again, cfg);
    second.client.push({ ...m });
    second.client.push({ kind: "direct", text: "new", clientMsgID: "msg-2" });
    await until(() => second.client.sent.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(again.dispatched).toHaveLength(1);
    expect(bodyOf(again.contexts[0])).toBe("new");
    await second.stop();
  });

  test("after a crash: received-only messages are replayed; dispatched ones are left to OpenClaw's recovery", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "mo-journal-"));
    const file = journalPath(stateDir, "a");
    await mkdir(join(stateDir, "multi-openim"), { recursive: true });
    const message = (id: string, text: string) => ({
      accountId: "a",
      kind: "direct",
      conversationID: "si_alice_bot_a",
      target: { kind: "user", id: "alice" },
      sender: { userID: "alice" },
      text,
      mentionsSelf: false,
      mentionsAll: false,
      media: [],
      serverTime: 1,
      clientMsgID: id,
      serverMsgID: "",
    });
    // What a SIGKILL leaves behind: one admitted but not dispatched, one mid-turn.
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        entries: [
          { id: "r1", state: "received", at: 1, message: message("r1", "lost before dispatch") },
          { id: "d1", state: "dispatched", at: 2 },
        ],
      }),
    );
    const env = setup(stateDir);
    const a = await startAccountOnDoubles(env, cfg);
    await until(() => a.client.sent.length === 1);
    // The catch-up re-delivers the mid-turn one: OpenClaw's recovery answers it, not us.
    a.client.push(message("d1", "mid-turn") as never);
    a.client.push(message("r1", "lost before dispatch") as never);
    await new Promise((r) => setTimeout(r, 100));
    expect(env.dispatched).toHaveLength(1);
    expect(bodyOf(env.contexts[0])).toBe("lost before dispatch");
    expect(env.lines.some((l) => l.includes("replaying r1"))).toBe(true);
    await a.stop();
    const saved = await readJournalFile(file);
    expect(saved.get("r1")?.state).toBe("done");
    expect(saved.get("d1")?.state).toBe("dispatched");
  });
});

describe("replies and read marks", () => {
  const groupAsk = {
    kind: "group" as const,
    groupID: "g1",
    text: "@bot_a long answer please",
    mentionsSelf: true,
    clientMsgID: "ask-1",
    serverMsgID: "srv-1",
    sender: { userID: "alice", nickname: "Alice" },
  };

  test("replyToMode first: the first piece quotes the question and @-mentions the asker; later pieces are plain", async () => {
    const env = setup();
    env.runtime.inbound.dispatch = async (params) => {
      await params.delivery.deliver({ text: "part one" }, { kind: "block" });
      await params.delivery.deliver({ text: "part two" }, { kind: "final" });
      return { admission: { kind: "dispatch" } };
    };
    const a = await startAccountOnDoubles(env, twoAccountConfig({ replyToMode: "first" }));
    a.client.push(groupAsk, "alice");
    await until(() => a.client.sent.length === 2);
    expect(a.client.sent[0]).toMatchObject({
      text: "@Alice part one",
      target: { kind: "group", id: "g1" },
      options: { quote: { clientMsgID: "ask-1", senderID: "alice" }, atUserIDs: ["alice"] },
    });
    expect(a.client.sent[1]).toEqual({ kind: "text", target: { kind: "group", id: "g1" }, text: "part two" });
    // Read marks go to the conversation the message came from.
    const dm = a.client.push({ kind: "direct", text: "dm", conversationID: "si_alice_bot_a" }, "alice");
    await until(() => a.client.reads.length === 2);
    expect(a.client.reads).toEqual(["c1", "si_alice_bot_a"]);
    // Up to the handled message, by its seq (not "everything the client has seen").
    expect(a.client.readSeqs.at(-1)).toBe(dm.seq);
    await a.stop();
  });

  test("replyToMode all quotes every piece; off and DMs send plain text", async () => {
    const env = setup();
    const all = await startAccountOnDoubles(env, twoAccountConfig({ replyToMode: "all" }));
    all.client.push(groupAsk, "alice");
    all.client.push({ kind: "direct", text: "hi" }, "alice");
    await until(() => all.client.sent.length === 2);
    expect(all.client.sent.find((s) => s.target.kind === "group")?.options?.quote?.clientMsgID).toBe("ask-1");
    expect(all.client.sent.find((s) => s.target.kind === "user")?.options).toBeUndefined();
    await all.stop();
    const off = setup();
    const plain = await startAccountOnDoubles(off, twoAccountConfig());
    plain.client.push(groupAsk, "alice");
    await until(() => plain.client.sent.length === 1);
    expect(plain.client.sent[0]).toEqual({ kind: "text", target: { kind: "group", id: "g1" }, text: "ok" });
    await plain.stop();
  });
});

describe("hand-off failures", () => {
  test("a dispatch that fails before any reply is retried and answered once; one that failed after replying is not", async () => {
    const env = setup();
    const original = env.runtime.inbound.dispatch;
    let calls = 0;
    env.runtime.inbound.dispatch = async (params) => {
      calls += 1;
      const text = (params.ctxPayload as { message: { bodyForAgent: string } }).message.bodyForAgent;
      if (text === "flaky" && calls === 1) throw new Error("another OpenClaw process owns state-lifecycle");
      if (text === "half") {
        await params.delivery.deliver({ text: "partial" }, { kind: "block" });
        throw new Error("model died");
      }
      return original(params);
    };
    const a = await startAccountOnDoubles(env, cfg);
    a.client.push({ kind: "direct", text: "flaky" });
    await until(() => a.client.sent.length === 1);
    expect(calls).toBe(2);
    expect(env.lines.some((l) => l.includes("retrying in 20 ms"))).toBe(true);
    a.client.push({ kind: "direct", text: "half" });
    await until(() => env.lines.some((l) => l.includes("failed after a reply went out: model died")));
    expect(a.client.sent.map((s) => s.text)).toEqual(["ok", "partial"]);
    expect(calls).toBe(3);
    await a.stop();
  });
});
