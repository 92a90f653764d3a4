#!/usr/bin/env node
import { parseArgs } from "node:util";
import { runChat } from "./chat.js";
import { startDevServer } from "./server.js";

const CHAT_HELP =
  "openim-devserver chat --api <apiAddr> --as <userID> --to user:<id>|group:<id> [--mention <userID>] [--wait <s>]\n" +
  "  Each line read from stdin is sent as <userID> to the target (the devserver's sendAs control);\n" +
  "  every message others write to <userID> is printed as '<sender>: <text>'. --mention @-mentions a user\n" +
  "  in each line (for a bot that answers groups only when mentioned). Ends on Ctrl-C, or at the\n" +
  "  end of the input once each line got an answer from the target (at most --wait seconds, default 90).\n" +
  "  Exit 0, or 1 when an answer is missing.\n";

// openim-devserver chat --api http://127.0.0.1:10002 --as alice --to user:bot
async function chat(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      api: { type: "string" },
      as: { type: "string" },
      to: { type: "string" },
      mention: { type: "string" },
      wait: { type: "string", default: "90" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(CHAT_HELP);
    return 0;
  }
  if (!values.api || !/^https?:\/\//.test(values.api))
    throw new Error("chat --api: expected the devserver's API address, e.g. --api http://127.0.0.1:10002");
  if (!values.as) throw new Error("chat --as: expected the userID to write as, e.g. --as alice");
  if (!values.to) throw new Error("chat --to: expected user:<userID> or group:<groupID>, e.g. --to user:bot");
  const waitSec = Number(values.wait);
  if (!Number.isFinite(waitSec) || waitSec < 0)
    throw new Error("chat --wait: expected a number of seconds >= 0");
  const ctrlC = new AbortController();
  process.once("SIGINT", () => ctrlC.abort());
  if (process.stdin.isTTY)
    process.stderr.write(
      `chat as ${values.as} with ${values.to}: type a line and Enter; Ctrl-D or Ctrl-C ends\n`,
    );
  return runChat({
    api: values.api.replace(/\/+$/, ""),
    as: values.as,
    to: values.to,
    mention: values.mention,
    input: process.stdin,
    output: process.stdout,
    log: (line) => process.stderr.write(`openim-devserver chat: ${line}\n`),
    waitMs: waitSec * 1000,
    signal: ctrlC.signal,
  });
}

// openim-devserver [--host 127.0.0.1] [--ws-port 10001] [--api-port 10002] [--secret openIM123] [--user id ...]
async function serve(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      "ws-port": { type: "string", default: "0" },
      "api-port": { type: "string", default: "0" },
      secret: { type: "string" },
      user: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      "openim-devserver: an OpenIM stand-in on loopback for the real @openim/client-sdk\n" +
        "  --host <ip>        bind address (default 127.0.0.1)\n" +
        "  --ws-port <n>      WebSocket gateway port (default: any free)\n" +
        "  --api-port <n>     REST API port (default: any free)\n" +
        "  --secret <s>       token / admin secret (default openIM123)\n" +
        "  --user <id>        register a user and print a token for it (repeatable)\n" +
        "Controls: POST <apiAddr>/devserver/<control> with a JSON body (see the package README).\n\n" +
        CHAT_HELP,
    );
    return;
  }
  const ports = { wsPort: Number(values["ws-port"]), apiPort: Number(values["api-port"]) };
  for (const [name, port] of Object.entries(ports)) {
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`--${name === "wsPort" ? "ws-port" : "api-port"}: expected a port number 0-65535`);
  }
  const server = await startDevServer({ host: values.host, ...ports, secret: values.secret });
  process.stdout.write(`wsAddr  ${server.wsAddr}\napiAddr ${server.apiAddr}\n`);
  // Printing tokens is this tool's purpose: they are local, throwaway, and asked for with --user.
  for (const user of values.user) process.stdout.write(`token   ${user} ${server.mintToken(user)}\n`);
  process.stdout.write("running; Ctrl-C to stop\n");
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

// The one place that turns an error into a message and an exit code.
const [command, ...rest] = process.argv.slice(2);
(command === "chat" ? chat(rest).then((code) => process.exit(code)) : serve()).catch((error: unknown) => {
  process.stderr.write(`openim-devserver: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
