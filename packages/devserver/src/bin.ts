#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startDevServer } from "./server.js";

// openim-devserver [--host 127.0.0.1] [--ws-port 10001] [--api-port 10002] [--secret openIM123] [--user id ...]
async function main(): Promise<void> {
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
        "Controls: POST <apiAddr>/devserver/<control> with a JSON body (see the package README).\n",
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

main().catch((error: unknown) => {
  process.stderr.write(`openim-devserver: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
