import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import type { DevMessage } from "./state.js";

// The built bin (like bin.test.ts, it needs `build` first), as a user runs it: a devserver in one
// process, `chat` in another with piped stdin, and this test as the second user over the controls.
const BIN = fileURLToPath(new URL("../dist/bin.mjs", import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  const io = { out: "", err: "" };
  child.stdout.on("data", (d: Buffer) => (io.out += d));
  child.stderr.on("data", (d: Buffer) => (io.err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const until = async (pattern: RegExp, timeoutMs = 10_000) => {
    for (const end = Date.now() + timeoutMs; !pattern.test(io.out); ) {
      if (Date.now() > end || child.exitCode !== null)
        throw new Error(`no ${pattern} in: ${io.out} ${io.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, io, exited, until };
}

async function startServer() {
  const server = run(["--user", "alice"]);
  await server.until(/running/);
  const api = /apiAddr (\S+)/.exec(server.io.out)![1]!;
  const control = async (name: string, body: unknown) => {
    const res = await fetch(`${api}/devserver/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return ((await res.json()) as { data: any }).data;
  };
  await control("createGroup", { groupID: "team", memberIDs: ["alice", "bob", "carol"] });
  const stop = async () => {
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(0);
  };
  return { api, control, stop };
}

/** Plays `userID`: answers every message `from` writes to it (DM) or in `groupID`, n times. */
async function answer(
  control: (name: string, body: unknown) => Promise<any>,
  options: { userID: string; from: string; groupID?: string; times: number },
) {
  let after = 0;
  for (let answered = 0; answered < options.times; ) {
    const poll = await control("pollMessagesFor", { userID: options.userID, after, timeoutMs: 15_000 });
    after = poll.next;
    for (const m of poll.messages as DevMessage[]) {
      if (m.sendID !== options.from) continue;
      const target = options.groupID ? `group:${options.groupID}` : `user:${options.from}`;
      await control("sendAs", { userID: options.userID, target, content: `re: ${m.text}` });
      answered += 1;
    }
  }
}

/** `chat` as alice to `to` on the devserver at `api`, with any extra flags. */
const aliceChat = (api: string, to: string, ...extra: string[]) => [
  "chat",
  "--api",
  api,
  "--as",
  "alice",
  "--to",
  to,
  ...extra,
];

test("chat sends each piped line, prints the answers, and exits 0 at the end of the input", async () => {
  const server = await startServer();
  try {
    await server.control("sendAs", { userID: "bob", target: "user:alice", content: "old news" });
    const bob = answer(server.control, { userID: "bob", from: "alice", times: 2 });
    const chat = run(aliceChat(server.api, "user:bob", "--wait", "20"));
    chat.child.stdin.end("hi bob\n\nsecond line\n");
    expect(await chat.exited).toBe(0);
    await bob;
    // Only what arrived after the start, in order; the empty line was not sent.
    expect(chat.io.out).toBe("bob: re: hi bob\nbob: re: second line\n");
    const sent = (await server.control("messagesFor", { userID: "alice" })) as DevMessage[];
    expect(sent.filter((m) => m.sendID === "alice").map((m) => m.text)).toEqual(["hi bob", "second line"]);
  } finally {
    await server.stop();
  }
}, 30_000);

test("chat in a group (--mention) prints every member's message, Ctrl-C ends it; a missing answer or a vanished devserver is exit 1", async () => {
  const server = await startServer();
  try {
    const chat = run(aliceChat(server.api, "group:team", "--mention", "carol"));
    const carol = answer(server.control, { userID: "carol", from: "alice", groupID: "team", times: 1 });
    chat.child.stdin.write("lunch?\n"); // stdin stays open: only Ctrl-C ends this chat
    await chat.until(/\[group:team\] carol: re: lunch\?\n/);
    await carol;
    const asked = ((await server.control("messagesFor", { userID: "alice" })) as DevMessage[])[0];
    expect(asked).toMatchObject({ text: "lunch?", atUserIDs: ["carol"] });
    await server.control("sendAs", { userID: "bob", target: "group:team", content: "me too" });
    await chat.until(/\[group:team\] bob: me too\n/);
    chat.child.kill("SIGINT");
    expect(await chat.exited).toBe(0);

    const unanswered = run(aliceChat(server.api, "user:nobody", "--wait", "1"));
    unanswered.child.stdin.end("anyone?\n");
    expect(await unanswered.exited).toBe(1);
    expect(unanswered.io.err).toContain("1 of 1 message(s) to user:nobody got no answer within 1 s");

    // The devserver goes away under an open chat (the demo stopped): a clear error, exit 1.
    const orphan = run(aliceChat(server.api, "user:bob"));
    // Pinged until it prints one: then it is past its start and polling.
    for (let i = 0; i < 30 && !orphan.io.out.includes("bob: ping"); i++) {
      await server.control("sendAs", { userID: "bob", target: "user:alice", content: "ping" });
      await new Promise((r) => setTimeout(r, 200));
    }
    await orphan.until(/bob: ping\n/);
    await server.stop();
    expect(await orphan.exited).toBe(1);
    expect(orphan.io.err).toContain(`no devserver answers at ${server.api}`);

    const bad = run(aliceChat(server.api, "bob"));
    expect(await bad.exited).toBe(1);
    expect(bad.io.err).toContain("--to: expected user:<userID> or group:<groupID>");
  } finally {
    await server.stop();
  }
}, 30_000);
