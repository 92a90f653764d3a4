// Measures the plugin's inbound rate alone (the bench's "plugin (runtime double)" inbound figure):
// `npx -y pnpm@10 exec node packages/bench/src/bench/inbound-rate.ts [count]` — loopback only, bounded.
// Uses the bench package's host and echo double against the built dist.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guardSdkRejections } from "@multi-openim/client";
import { startDevServer } from "@multi-openim/devserver";
import { accountOn, channelConfig } from "@multi-openim/testkit";
import { createPluginHost } from "../plugin-host.ts";
import { quietConsole } from "../quiet-console.ts";
import { waitUntil } from "../stats.ts";

const count = Number(process.argv[2] ?? 1000);
const stateDir = await mkdtemp(join(tmpdir(), "mo-inbound-rate-"));
process.env.OPENCLAW_STATE_DIR = stateDir;
const quiet = quietConsole();
const release = guardSdkRejections(() => undefined);
const server = await startDevServer();
server.registerUser("human");
const bot = accountOn(server, "plugin-bot");
const host = createPluginHost(
  channelConfig({ p: { token: bot.token, wsAddr: server.wsAddr, apiAddr: server.apiAddr } }),
);
await host.start("p");
server.sendAs("human", "user:plugin-bot", "warm");
await waitUntil(() => host.echo.state.dispatched >= 1, 30_000);
host.echo.state.reply = false;
const results: string[] = [];
for (let round = 0; round < 2; round++) {
  const before = host.echo.state.dispatched;
  const started = performance.now();
  for (let i = 0; i < count; i++) server.sendAs("human", "user:plugin-bot", `in ${round}.${i}`);
  const ok = await waitUntil(() => host.echo.state.dispatched - before >= count, 120_000);
  const secs = (performance.now() - started) / 1000;
  results.push(
    `round ${round}: ${ok ? (count / secs).toFixed(0) : "timeout"} msg/s (${count} in ${secs.toFixed(2)} s)`,
  );
}
host.echo.state.reply = true;
const echoed = () =>
  server
    .messagesFor("plugin-bot")
    .filter((m) => m.sendID === "plugin-bot" && m.text.startsWith("echo: burst")).length;
const burst = Math.min(count, 300);
let started = performance.now();
for (let i = 0; i < burst; i++) server.sendAs("human", "user:plugin-bot", `burst ${i}`);
const ok = await waitUntil(() => echoed() >= burst, 120_000, 20);
results.push(
  `echo burst: ${ok ? (burst / ((performance.now() - started) / 1000)).toFixed(0) : "timeout"} msg/s`,
);
// Every message must end up read: the bot's hasReadSeq reaches the conversation's maxSeq.
const readState = async () => {
  const res = await fetch(`${server.apiAddr}/conversation/get_conversations_has_read_and_max_seq`, {
    method: "POST",
    headers: { token: bot.token, operationID: `rate-${Date.now()}`, "Content-Type": "application/json" },
    body: JSON.stringify({ userID: "plugin-bot", conversationIDs: [] }),
  });
  const seqs = (
    (await res.json()) as { data: { seqs: Record<string, { maxSeq: number; hasReadSeq: number }> } }
  ).data.seqs;
  return Object.values(seqs)[0] ?? { maxSeq: -1, hasReadSeq: 0 };
};
started = performance.now();
let allRead = await readState();
for (const end = Date.now() + 20_000; allRead.hasReadSeq < allRead.maxSeq && Date.now() < end; ) {
  await new Promise((r) => setTimeout(r, 50));
  allRead = await readState();
}
results.push(
  `read marks: hasReadSeq ${allRead.hasReadSeq} / maxSeq ${allRead.maxSeq} after ${(performance.now() - started).toFixed(0)} ms`,
);
const requests = { ...server.counters.requests };
await host.stopAll();
await server.close();
release();
quiet.restore();
await rm(stateDir, { recursive: true, force: true });
console.log(results.join("\n"));
console.log(JSON.stringify(requests));
