import { fileURLToPath } from "node:url";
import { say } from "../quiet-console.ts";
import { OPENCLAW_BIN } from "./harness.ts";
import type { startGatewayStack, startTwoServers } from "./stack.ts";

/** The devserver's bin (its `chat` subcommand talks to a running devserver over the control API). */
const DEVSERVER_BIN = fileURLToPath(import.meta.resolve("@multi-openim/devserver/package.json")).replace(
  /package\.json$/,
  "dist/bin.mjs",
);

/** Quotes a word for a POSIX shell when it needs it, so a printed command pastes as is. */
const sh = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

/** The ready-to-paste `chat` command for one human writing to `to` on the devserver at `api`. */
export function chatCommand(options: { api: string; as: string; to: string; mention?: string }): string {
  const mention = options.mention ? ["--mention", options.mention] : [];
  return [
    "node",
    DEVSERVER_BIN,
    "chat",
    "--api",
    options.api,
    "--as",
    options.as,
    "--to",
    options.to,
    ...mention,
  ]
    .map(sh)
    .join(" ");
}

/** The plain run's last line: how to keep it all running (the README's form of the command). */
export const KEEP_HINT =
  "Run `npx -y pnpm@10 demo -- --keep` to keep it all running and talk to the bot yourself.";

/**
 * `--keep`: everything stays up. Prints where the config lives, the ready-to-paste `chat` commands
 * (and the same over curl) for each human, then waits: Ctrl-C (SIGINT) runs the caller's cleanup.
 * Against a real server (no `servers`) the demo plays no human, so it names the bot to write to.
 */
export async function holdOpen(options: {
  stack: Awaited<ReturnType<typeof startGatewayStack>>;
  servers?: Awaited<ReturnType<typeof startTwoServers>>;
  botUserID?: string;
}): Promise<void> {
  const { stack, servers } = options;
  say("\nEverything keeps running (Ctrl-C stops it all).");
  say(`  OpenClaw config   ${stack.configPath}`);
  say(`  OpenClaw state    ${stack.env.OPENCLAW_STATE_DIR}`);
  say(`  gateway           ws://127.0.0.1:${stack.port} (loopback, no auth)`);
  say(
    `  openclaw CLI      OPENCLAW_CONFIG_PATH=${sh(stack.configPath)} OPENCLAW_STATE_DIR=${sh(String(stack.env.OPENCLAW_STATE_DIR))} HOME=${sh(String(stack.env.HOME))} \\`,
  );
  // OpenClaw needs Node >= 24.16: name the Node running the demo, not whatever `node` is on the PATH.
  say(`                    ${sh(process.execPath)} ${sh(OPENCLAW_BIN)} channels status`);
  if (servers) {
    const { a, b } = servers;
    say(`  server A          ws ${a.wsAddr}  api ${a.apiAddr}   (bot_a; humans alice, carol; group team)`);
    say(`  server B          ws ${b.wsAddr}  api ${b.apiAddr}   (bot_b; human bob)`);
    say("\nTalk to the bot from another terminal (type lines; Ctrl-D or Ctrl-C ends a chat):");
    say("  alice → bot_a on server A:");
    say(`    ${chatCommand({ api: a.apiAddr, as: "alice", to: "user:bot_a" })}`);
    say("  bob → bot_b on server B:");
    say(`    ${chatCommand({ api: b.apiAddr, as: "bob", to: "user:bot_b" })}`);
    say("  carol in group team, @-mentioning bot_a (without a mention the bot stays quiet):");
    say(`    ${chatCommand({ api: a.apiAddr, as: "carol", to: "group:team", mention: "bot_a" })}`);
    say("Or with curl (the devserver's HTTP control API):");
    say(
      `  curl -s -XPOST -H 'content-type: application/json' ${a.apiAddr}/devserver/sendAs -d '{"userID":"alice","target":"user:bot_a","content":"hi"}'`,
    );
    say(
      `  curl -s -XPOST -H 'content-type: application/json' ${a.apiAddr}/devserver/pollMessagesFor -d '{"userID":"alice","after":0,"timeoutMs":30000}'`,
    );
    say(
      `  curl -s -XPOST -H 'content-type: application/json' ${a.apiAddr}/devserver/expireToken -d '{"userID":"bot_a"}'   # refreshed, chat goes on`,
    );
  } else {
    say(
      `\nWrite to ${options.botUserID ?? "the bot"} from any OpenIM client on that server; the echo model answers.`,
    );
  }
  await new Promise<void>(() => undefined); // until Ctrl-C (the SIGINT handler cleans up)
}
