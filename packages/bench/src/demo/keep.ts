import { createInterface } from "node:readline/promises";
import { say } from "../quiet-console.ts";
import type { startGatewayStack, startTwoServers } from "./stack.ts";

/**
 * `--keep`: everything stays up. Prints how to talk to the bot (a small REPL when stdin is a terminal,
 * and the devservers' HTTP control API with curl) and where the config lives; Ctrl-C stops it all.
 */
export async function holdOpen(options: {
  stack: Awaited<ReturnType<typeof startGatewayStack>>;
  servers?: Awaited<ReturnType<typeof startTwoServers>>;
}): Promise<void> {
  const { stack, servers } = options;
  say("\nEverything keeps running (Ctrl-C stops it all).");
  say(`  OpenClaw config   ${stack.configPath}`);
  say(`  OpenClaw state    ${stack.env.OPENCLAW_STATE_DIR}`);
  say(`  gateway           ws://127.0.0.1:${stack.port} (loopback, no auth)`);
  say(
    `  openclaw CLI      OPENCLAW_CONFIG_PATH=${stack.configPath} OPENCLAW_STATE_DIR=${stack.env.OPENCLAW_STATE_DIR} HOME=${stack.env.HOME} \\`,
  );
  say(`                    node packages/plugin/node_modules/openclaw/openclaw.mjs channels status`);
  if (servers) {
    const { a, b } = servers;
    say(`  server A          ws ${a.wsAddr}  api ${a.apiAddr}   (bot_a; humans alice, carol; group team)`);
    say(`  server B          ws ${b.wsAddr}  api ${b.apiAddr}   (bot_b; human bob)`);
    say("\nTalk to the bot over the devserver's control API:");
    say(
      `  curl -s -XPOST ${a.apiAddr}/devserver/sendAs -d '{"userID":"alice","target":"user:bot_a","content":"hi"}'`,
    );
    say(`  curl -s -XPOST ${a.apiAddr}/devserver/messagesFor -d '{"userID":"alice"}'`);
    say(`  curl -s -XPOST ${a.apiAddr}/devserver/expireToken -d '{"userID":"bot_a"}'`);
    if (process.stdin.isTTY) {
      say(
        '\nOr type here: "a: text" (alice → bot_a), "b: text" (bob → bot_b), "g: text" (carol → group team, with a mention).',
      );
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      rl.on("close", () => process.kill(process.pid, "SIGINT"));
      for await (const line of rl) {
        const m = /^([abg]):\s*(.+)$/.exec(line.trim());
        if (!m) {
          say('  use "a: …", "b: …" or "g: …"');
          continue;
        }
        const [, who, text] = m as unknown as [string, "a" | "b" | "g", string];
        const server = who === "b" ? b : a;
        const bot = who === "b" ? "bot_b" : "bot_a";
        const sent =
          who === "g"
            ? a.sendAs("carol", "group:team", { text: `@Bot A ${text}`, atUserIDs: ["bot_a"] })
            : server.sendAs(who === "a" ? "alice" : "bob", `user:${bot}`, text);
        const reply = await server
          .waitForMessage(
            (r) =>
              r.sendID === bot &&
              r.sendTime >= sent.sendTime &&
              r.seq > sent.seq - 1 &&
              r.clientMsgID !== sent.clientMsgID,
            90_000,
          )
          .catch(() => undefined);
        say(reply ? `  ${bot}: ${reply.text}` : "  (no reply within 90 s)");
      }
    }
  } else {
    say("\nWrite to the bot from any OpenIM client on that server; the echo model answers.");
  }
  await new Promise<void>(() => undefined); // until Ctrl-C (the SIGINT handler cleans up)
}
