// Benchmark (not a test): the client vs the bare SDK on one devserver, and recovery time after expiry.
// Run after building: npx -y pnpm@10 exec node packages/bench/src/bench/client-vs-bare.ts (pnpm bench runs it
// in a child process: client-bench.ts)
// Options (env): BENCH_INBOUND=2000 BENCH_OUTBOUND=500 BENCH_ROUNDS=20
import { createAccountClient, guardSdkRejections, sdkRejectionsSwallowed } from "@multi-openim/client";
import { startDevServer } from "@multi-openim/devserver";
import { accountOn } from "@multi-openim/testkit";
import { getSDK } from "@openim/client-sdk/lib/index.modern.mjs";
import { measurePhase, median, type Phase, percentile } from "../stats.ts";

const INBOUND = Number(process.env.BENCH_INBOUND ?? 2000);
const OUTBOUND = Number(process.env.BENCH_OUTBOUND ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PASSES = Number(process.env.BENCH_PASSES ?? 3);

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
    }, 1); // 1 ms: a phase of 3,000 messages lasts ~0.3 s here
  });
}

function inbound(name: string, from: string, to: string, received: () => number): Promise<Phase> {
  const before = received();
  return measurePhase(name, INBOUND, async () => {
    for (let i = 0; i < INBOUND; i++) server.sendAs(from, `user:${to}`, `bench ${i}`);
    await until(() => received() - before >= INBOUND);
  });
}

/**
 * Each pass's inbound messages come from a new peer, into a new conversation, warmed the same way on
 * both sides first (see below): the bare SDK copies a conversation's whole cached history on every
 * message it adds (the client bounds that cache), so in one conversation growing pass after pass the
 * bare SDK got slower and slower and the ratio measured that, not the client's own cost per message.
 */
async function newPeer(pass: number): Promise<string> {
  const peer = `peer-${pass}`;
  server.registerUser(peer);
  const [bareBefore, clientBefore] = [bareReceived, clientReceived];
  server.sendAs(peer, "user:bare-bot", "warm");
  server.sendAs(peer, "user:client-bot", "warm");
  await until(() => bareReceived > bareBefore && clientReceived > clientBefore);
  await bare.getConversationListSplit({ offset: 0, count: 50 });
  return peer;
}

async function outbound(name: string, send: (i: number) => Promise<unknown>): Promise<Phase> {
  await send(-1); // warm: the first send to a peer creates the conversation
  return measurePhase(name, OUTBOUND, async () => {
    await Promise.all(Array.from({ length: OUTBOUND }, (_, i) => send(i)));
  });
}

// --- throughput: bare SDK and client alternate; a warm pass, then medians of PASSES passes ---
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
const results = {
  bareIn: [] as Phase[],
  clientIn: [] as Phase[],
  bareOut: [] as Phase[],
  clientOut: [] as Phase[],
};
// Sends go to a new peer each pass as well (warmed by outbound's first send): in one conversation each
// pass's sends grew the bare SDK's cached history, which it copies on every send.
let outPeer = "peer";
const bareSend = async (i: number) => {
  const { data } = await bare.createTextMessage(`out ${i}`);
  return bare.sendMessage({ recvID: outPeer, groupID: "", message: data });
};
const clientSend = (i: number) => client.sendText(`user:${outPeer}`, `out ${i}`);
// A warm pass (not reported), then PASSES passes in alternating order (bare first, then client first),
// so a change in the machine's load during the run weighs on both sides alike; medians are reported.
for (let pass = 0; pass <= PASSES; pass++) {
  const keep = (list: Phase[]) => (phase: Phase) => void (pass > 0 && list.push(phase));
  const peer = await newPeer(pass);
  outPeer = `peer-out-${pass}`;
  server.registerUser(outPeer);
  const steps = [
    [
      () => inbound(`bare-in-${pass}`, peer, "bare-bot", () => bareReceived).then(keep(results.bareIn)),
      () =>
        inbound(`client-in-${pass}`, peer, "client-bot", () => clientReceived).then(keep(results.clientIn)),
    ],
    [
      () => outbound(`bare-out-${pass}`, bareSend).then(keep(results.bareOut)),
      () => outbound(`client-out-${pass}`, clientSend).then(keep(results.clientOut)),
    ],
  ];
  for (const pair of steps) {
    for (const step of pass % 2 ? pair : [...pair].reverse()) await step();
  }
}
const rate = (phases: Phase[]) => median(phases.map((p) => p.perSec));
const cpu = (phases: Phase[]) => median(phases.map((p) => p.cpuUsPerMsg));
const bareIn = rate(results.bareIn);
const clientIn = rate(results.clientIn);
const bareOut = rate(results.bareOut);
const clientOut = rate(results.clientOut);

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
  `cpu (µs/msg)      inbound bare SDK ${fmt(cpu(results.bareIn))} client ${fmt(cpu(results.clientIn))}  ` +
    `outbound bare SDK ${fmt(cpu(results.bareOut))} client ${fmt(cpu(results.clientOut))}  ` +
    `(process CPU per message incl. the in-process devserver; medians of ${PASSES} passes)`,
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
