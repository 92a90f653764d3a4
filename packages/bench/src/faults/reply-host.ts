// A process that hosts one account and answers each DM with "re: <text>" after a pause, announcing
// RECEIVED before the pause and REPLIED after, so a parent can SIGKILL it in between.

import { format } from "node:util";
import { createAccountClient, type InboundMessage } from "@multi-openim/client";
import type { ResolvedAccount } from "@multi-openim/core";

const account = JSON.parse(process.env.REPLY_HOST_ACCOUNT ?? "{}") as ResolvedAccount;
const pauseMs = Number(process.env.REPLY_HOST_PAUSE_MS ?? 2000);
const out = (line: string) => process.stdout.write(`${line}\n`);
const log = (level: string) => (m: string) => process.stderr.write(`${level} ${m}\n`);
// The SDK's banner and sync dump go to stderr with the logs: the parent searches all of it for the token.
console.log =
  console.info =
  console.warn =
  console.debug =
    (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);

const client = createAccountClient(account, {
  tokenRefresher: { refresh: async () => ({ ok: false, code: "REFRESH_DISABLED" }) },
  logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
});
client.on("message", async (m: InboundMessage) => {
  out(`RECEIVED ${m.clientMsgID}`);
  await new Promise((r) => setTimeout(r, pauseMs));
  await client.sendText(m.target, `re: ${m.text}`);
  out(`REPLIED ${m.clientMsgID}`);
});
await client.start();
out("READY");
process.on("SIGTERM", () => void client.stop().then(() => process.exit(0)));
