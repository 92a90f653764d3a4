import type { DevServer } from "@multi-openim/devserver";
import { openclawArgs, runCommand, textOf } from "./harness.ts";
import type { createNarrator } from "./narrator.ts";
import type { startGatewayStack, startTwoServers } from "./stack.ts";

type Stack = Awaited<ReturnType<typeof startGatewayStack>>;
type Servers = Awaited<ReturnType<typeof startTwoServers>>;
type Narrator = ReturnType<typeof createNarrator>;

const REPLY_MS = 90_000;

/** Why the first reply is slow and the rest are not (said once, before the first message). */
export const FIRST_TURN_NOTE =
  "the first reply takes longest: OpenClaw prepares its first agent turn (~10-30 s); later ones are quick";

/** A human writes; the bot's reply (stored on that server) comes back, or the step fails. */
async function exchange(
  server: DevServer,
  from: string,
  bot: string,
  target: string,
  content: Parameters<DevServer["sendAs"]>[2],
  words: string,
) {
  const started = performance.now();
  const sent = server.sendAs(from, target, content);
  const reply = await server.waitForMessage(
    (m) => m.sendID === bot && m.seq > 0 && m.sendTime >= sent.sendTime && m.text.includes(words),
    REPLY_MS,
  );
  return `${bot} answered "${reply.text}" in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

/** The narrated walk through the plugin in a real gateway, against two devservers. */
export async function runLocalSteps(n: Narrator, stack: Stack, servers: Servers): Promise<void> {
  const { a, b } = servers;
  const modelSaw = (words: string) =>
    stack.model.requests.some((r) => r.messages.some((m) => textOf(m).includes(words)));

  n.info(FIRST_TURN_NOTE);
  await n.step("alice on server A writes to the bot (account a)", () =>
    exchange(a, "alice", "bot_a", "user:bot_a", "hello from server A", "hello from server A"),
  );
  await n.step("bob on server B writes to the bot (account b), in a session of its own", async () => {
    const detail = await exchange(
      b,
      "bob",
      "bot_b",
      "user:bot_b",
      "hi, this is server B",
      "this is server B",
    );
    const bobTurn = stack.model.requests.find((r) =>
      r.messages.some((m) => textOf(m).includes("this is server B")),
    );
    if (bobTurn?.messages.some((m) => textOf(m).includes("hello from server A")))
      throw new Error("bob's turn carried alice's message: sessions are shared");
    return `${detail}; session multi-openim:bob:b saw nothing of multi-openim:alice:a`;
  });
  await n.step("a group message on server A without a mention is ignored", async () => {
    a.sendAs("carol", "group:team", "lunch at noon, anyone?");
    await new Promise((r) => setTimeout(r, 8000));
    const answered = a.messagesFor("carol").some((m) => m.groupID === "team" && m.sendID === "bot_a");
    if (answered || modelSaw("lunch at noon"))
      throw new Error("the bot answered a group message that did not mention it");
    return "no reply after 8 s, and the model never saw it (requireMention: true)";
  });
  await n.step("the same group, mentioning the bot: answered in the group", () =>
    exchange(
      a,
      "carol",
      "bot_a",
      "group:team",
      { text: "@Bot A what's the plan?", atUserIDs: ["bot_a"] },
      "what's the plan",
    ),
  );
  await n.step(
    "account a's token expires; refreshed through the local endpoint, the chat goes on",
    async () => {
      const loginsB = b.counters.logins;
      a.expireToken("bot_a");
      const end = Date.now() + 60_000;
      while (!stack.refresh?.calls.includes("a") && Date.now() < end)
        await new Promise((r) => setTimeout(r, 200));
      if (!stack.refresh?.calls.includes("a")) throw new Error("no refresh call for account a within 60 s");
      const detail = await exchange(
        a,
        "alice",
        "bot_a",
        "user:bot_a",
        "still there after the expiry?",
        "still there",
      );
      const restarts = stack.gateway.count(/\[multi-openim\] a: running/) - 1;
      if (b.counters.logins !== loginsB)
        throw new Error("account b logged in again: the refresh disturbed it");
      return `${stack.refresh.calls.length} refresh call(s) (${stack.refresh.calls.join(", ")}); ${detail}; account a restarted ${restarts}×, account b untouched`;
    },
  );
  await n.step("openclaw channels status", async () => {
    const [cmd, args] = openclawArgs("channels", "status", "--channel", "multi-openim");
    const out = await runCommand(cmd, args, { env: stack.env, timeoutMs: 120_000 });
    const lines = `${out.stdout}\n${out.stderr}`
      .split("\n")
      .filter((l) => /multi-openim|Multi-OpenIM|\b[ab]\b.*(connected|running|enabled)/i.test(l));
    for (const line of lines) n.info(`  │ ${line.trim()}`);
    if (out.code !== 0) throw new Error(`exit ${out.code}: ${out.stderr.trim().split("\n").pop()}`);
    return `${lines.length} status line(s) for the channel`;
  });
}
