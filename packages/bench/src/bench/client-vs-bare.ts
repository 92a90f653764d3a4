// Benchmark (not a test): the client vs the bare SDK on one devserver, and recovery time after expiry.
// Run after building: npx -y pnpm@10 exec node packages/bench/src/bench/client-vs-bare.ts (pnpm bench runs it
// in a child process: client-bench.ts)
// Options (env): BENCH_INBOUND=2000 BENCH_OUTBOUND=500 BENCH_ROUNDS=20
import { createAccountClient, guardSdkRejections, sdkRejectionsSwallowed } from "@multi-openim/client";
import { startDevServer } from "@multi-openim/devserver";
import { accountOn } from "@multi-openim/testkit";
import { getSDK } from "@openim/client-sdk/lib/index.modern.mjs";

const INBOUND = Number(process.env.BENCH_INBOUND ?? 2000);
const OUTBOUND = Number(process.env.BENCH_OUTBOUND ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

// Under load the bare SDK leaves failed REST calls unhandled (a burst of pushes into a new conversation
// fires one lookup each); without a handler the run would crash instead of measuring. Counted, not hidden.
let unhandled = 0;
process.on("unhandledRejection", () => {
  unhandled++;
});
const releaseGuard = guardSdkRejections(() => undefined);
const server = await startDevServer();
server.registerUser("peer");
let mints = 0;
// Distinct lifetimes make every minted token a distinct string, even within one second.
const mint = (userID: string) => server.mintToken(userID, { expiresInSec: 86_400 + ++mints });

const account = (userID: string) => accountOn(server, userID, userID, { token: mint(userID) });
const refresher = {
  refresh: async (accountId: string) => ({ ok: true as const, token: mint(accountId) }),
};

async function bareSdk(userID: string) {
  const info = console.info;
  console.info = () => undefined;
  const sdk: any = getSDK();
  console.info = info;
  const a = account(userID);
  const connected = new Promise((resolve) => sdk.on("OnSyncServerFinish", resolve));
  await sdk.login({
    userID,
    token: a.token,
    wsAddr: a.wsAddr,
    apiAddr: a.apiAddr,
    platformID: 5,
    logLevel: 5,
  });
  await connected;
  return sdk;
}

function until(predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
}

async function inbound(to: string, received: () => number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < INBOUND; i++) server.sendAs("peer", `user:${to}`, `bench ${i}`);
  await until(() => received() >= INBOUND);
  return INBOUND / ((performance.now() - started) / 1000);
}

async function outbound(send: (i: number) => Promise<unknown>): Promise<number> {
  await send(-1); // warm: the first send to a peer creates the conversation
  const started = performance.now();
  await Promise.all(Array.from({ length: OUTBOUND }, (_, i) => send(i)));
  return OUTBOUND / ((performance.now() - started) / 1000);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

// --- throughput: bare SDK and client alternate, two passes; the second (warm) pass is reported ---
const bare = await bareSdk("bare-bot");
let bareReceived = 0;
bare.on("OnRecvNewMessages", (e: { data: unknown[] }) => {
  bareReceived += e.data.length;
});
const client = createAccountClient(account("client-bot"), { tokenRefresher: refresher, tickMs: 1000 });
let clientReceived = 0;
client.on("message", () => {
  clientReceived++;
});
await client.start();
await new Promise((r) => setTimeout(r, 300)); // the first catch-up is done
// Warm both the same way: the conversation exists and is in the SDK's conversation cache (the client's
// catch-up lists conversations; a bare app would do the same to show its list). Without this, every push
// into an uncached conversation costs the bare SDK a REST lookup and the comparison measures that.
server.sendAs("peer", "user:bare-bot", "warm");
server.sendAs("peer", "user:client-bot", "warm");
await until(() => bareReceived >= 1 && clientReceived >= 1);
await bare.getConversationListSplit({ offset: 0, count: 50 });
let bareIn = 0;
let bareOut = 0;
let clientIn = 0;
let clientOut = 0;
for (let pass = 0; pass < 2; pass++) {
  bareReceived = 0;
  clientReceived = 0;
  bareIn = await inbound("bare-bot", () => bareReceived);
  clientIn = await inbound("client-bot", () => clientReceived);
  bareOut = await outbound(async (i) => {
    const { data } = await bare.createTextMessage(`out ${i}`);
    return bare.sendMessage({ recvID: "peer", groupID: "", message: data });
  });
  clientOut = await outbound((i) => client.sendText("user:peer", `out ${i}`));
}

// --- recovery after expiry ---
const total: number[] = [];
const afterEvent: number[] = [];
let refreshingAt = 0;
client.on("status", (s) => {
  if (s.auth === "refreshing" && !refreshingAt) refreshingAt = performance.now();
});
for (let round = 0; round < ROUNDS; round++) {
  const before = client.status().reconnects;
  refreshingAt = 0;
  const started = performance.now();
  server.expireToken("client-bot");
  await until(() => client.status().reconnects > before && client.status().connected);
  const done = performance.now();
  total.push(done - started);
  if (refreshingAt) afterEvent.push(done - refreshingAt);
}

await client.stop();
const bareSession: any = bare;
bareSession.wsManager?.close?.();
await server.close();
releaseGuard();

const fmt = (n: number) => n.toFixed(0);
console.log(
  `inbound  (msg/s)  bare SDK ${fmt(bareIn)}  client ${fmt(clientIn)}  ratio client/bare ${(clientIn / bareIn).toFixed(2)}  (${INBOUND} messages)`,
);
console.log(
  `outbound (msg/s)  bare SDK ${fmt(bareOut)}  client ${fmt(clientOut)}  ratio client/bare ${(clientOut / bareOut).toFixed(2)}  (${OUTBOUND} sends)`,
);
console.log(
  `recovery after expiry, ${ROUNDS} rounds (ms): expiry→connected p50 ${fmt(percentile(total, 50))} p95 ${fmt(percentile(total, 95))}; ` +
    `token event→connected p50 ${fmt(percentile(afterEvent, 50))} p95 ${fmt(percentile(afterEvent, 95))}`,
);
console.log(
  `SDK rejections left unhandled: ${unhandled} reached the process; ${sdkRejectionsSwallowed()} recognised by the guard`,
);
console.log(`(the client paces the SDK's retry after a drop: the first within 1 s, not its fixed 5 s)`);
process.exit(0);
