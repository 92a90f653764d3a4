import { writeFile } from "node:fs/promises";
import { createLogCapture } from "../log-capture.ts";
import { sleep, waitUntil } from "../stats.ts";
import type { FaultRow } from "./row.ts";
import { type SoakAccount, type SoakStack, startSoakStack } from "./soak-stack.ts";

interface SentDm {
  n: number;
  account: SoakAccount;
  human: string;
  window: string;
}

/** What a window may do at its start: the stack, and a burst of DMs sent at once (counted like the rest). */
interface SoakContext {
  stack: SoakStack;
  burst(count: number): void;
}

/** One fault window: what lands at its start, how long DMs keep coming in it, what is undone at its end. */
interface Window {
  name: string;
  act(ctx: SoakContext): Promise<void>;
  holdMs: number;
  undo?(stack: SoakStack): void;
}

/**
 * Stops the newest gateway (SIGTERM: a clean restart, OpenClaw drains; SIGKILL: a crash), keeps the DMs
 * coming while it is down, runs `whileDown` (a fault landing while nobody is connected), then starts it
 * again on the same config and state dir and runs `afterStart` at once (a fault during the catch-up).
 */
const restart =
  (
    signal: "SIGTERM" | "SIGKILL",
    downMs: number,
    hooks: {
      beforeStop?: (ctx: SoakContext) => void;
      whileDown?: (s: SoakStack) => void;
      afterStart?: (s: SoakStack) => void;
    } = {},
  ) =>
  async (ctx: SoakContext) => {
    const { stack } = ctx;
    hooks.beforeStop?.(ctx);
    const gateway = stack.gateways.at(-1);
    // A clean restart lets OpenClaw drain the turns in flight, as a supervisor's stop timeout would.
    await (signal === "SIGTERM" ? gateway?.stop(90_000) : gateway?.kill9());
    hooks.whileDown?.(stack);
    await sleep(downMs); // DMs keep coming while the gateway is down
    // As a supervisor would: OpenClaw itself sometimes fails to start on a loaded machine (its state
    // lease heartbeat has a 5 s startup timeout), so a failed start is retried.
    for (let attempt = 1; ; attempt++) {
      try {
        await stack.start(300_000);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        await stack.gateways.at(-1)?.kill9();
      }
    }
    hooks.afterStart?.(stack);
  };

function windows(short: boolean): Window[] {
  const hold = short ? 6000 : 12_000;
  const [one, two] = [0, 1];
  const acct = (s: SoakStack, i: number) => s.accounts[i]!;
  return [
    { name: "steady (no fault)", act: async () => undefined, holdMs: hold },
    { name: "SIGTERM restart, DMs sent while down", act: restart("SIGTERM", 6000), holdMs: hold },
    {
      name: "a burst of 8 DMs, SIGTERM while it is being answered",
      act: restart("SIGTERM", 2000, { beforeStop: (ctx) => ctx.burst(8) }),
      holdMs: hold,
    },
    {
      name: "connection drop during a reply (stored / not stored)",
      act: async ({ stack: s }) => {
        acct(s, one).dev.dropOnNextSend(acct(s, one).bot, { store: true });
        acct(s, two).dev.dropOnNextSend(acct(s, two).bot, { store: false });
      },
      holdMs: hold,
    },
    {
      name: "token expiry while replies are being sent (burst of 6)",
      act: async ({ stack: s, burst }) => {
        burst(6);
        await sleep(300); // the model answers at once: the replies are on their way
        for (const i of [one, two]) acct(s, i).dev.expireToken(acct(s, i).bot);
      },
      holdMs: hold,
    },
    {
      name: "token expiry, refresh endpoint slow (2.5 s)",
      act: async ({ stack: s }) => {
        s.refresh.setBehaviour("slow", { slowMs: 2500 });
        acct(s, one).dev.expireToken(acct(s, one).bot);
      },
      holdMs: hold,
      undo: (s) => s.refresh.setBehaviour("ok"),
    },
    { name: "kick", act: async ({ stack: s }) => void acct(s, two).dev.kick(acct(s, two).bot), holdMs: hold },
    {
      name: "slow server (1.5 s per request), then a connection drop",
      act: async ({ stack: s }) => {
        acct(s, two).dev.setLatency(1500);
        await sleep(hold / 2);
        acct(s, two).dev.dropConnections(acct(s, two).bot);
      },
      holdMs: hold / 2,
      undo: (s) => acct(s, two).dev.setLatency(0),
    },
    { name: "server restart", act: async ({ stack: s }) => acct(s, one).dev.restart(), holdMs: hold },
    {
      name: "SIGKILL, DMs sent while down, kick as it catches up",
      act: restart("SIGKILL", 6000, { afterStart: (s) => void acct(s, one).dev.kick(acct(s, one).bot) }),
      holdMs: hold,
    },
    {
      name: "SIGTERM, both tokens expire while down",
      act: restart("SIGTERM", 4000, {
        whileDown: (s) => {
          for (const i of [one, two]) acct(s, i).dev.expireToken(acct(s, i).bot);
        },
      }),
      holdMs: hold,
    },
  ];
}

/**
 * The soak's windows CI runs (`faults.test.ts`), short holds: each fault the issue names once — a clean
 * restart and a crash with DMs sent while down, a drop during a reply, an expiry, a kick, a server
 * restart — in a few minutes. The full soak (`pnpm test:faults`) adds the burst + SIGTERM, the slow refresh,
 * the slow server and the expiry while down (the last one waits out OpenClaw's crash-loop breaker).
 */
export const CI_SOAK_WINDOWS = [
  "steady (no fault)",
  "SIGTERM restart, DMs sent while down",
  "connection drop during a reply (stored / not stored)",
  "token expiry while replies are being sent (burst of 6)",
  "kick",
  "server restart",
  "SIGKILL, DMs sent while down, kick as it catches up",
] as const;

/**
 * The soak: a real gateway with two accounts on two devservers, a DM every `everyMs` (alternating
 * accounts, each from a new human so OpenClaw never folds two into one turn) while the faults land one
 * after another, several of them combined (a restart during a burst, an expiry while replies go out, a
 * kick during the catch-up after a crash, an expiry while the gateway is down). Every DM must be
 * answered exactly once; one row per fault window.
 */
export async function soakFaults(
  options: {
    short?: boolean;
    everyMs?: number;
    /** Only these windows, in the soak's order (e.g. CI_SOAK_WINDOWS). */
    only?: readonly string[];
    progress?: (line: string) => void;
  } = {},
): Promise<FaultRow[]> {
  const everyMs = options.everyMs ?? 1500;
  const stack = await startSoakStack();
  const sent: SentDm[] = [];
  let window = "starting";
  let sending = true;
  try {
    const began = performance.now();
    await stack.start(240_000);
    const ready = ((performance.now() - began) / 1000).toFixed(0);
    let n = 0;
    const sendOne = () => {
      n += 1;
      const account = stack.accounts[n % 2]!;
      const human = `human-${n}`;
      try {
        account.dev.sendAs(human, `user:${account.bot}`, `please answer SOAK-${n}`);
        sent.push({ n, account, human, window });
      } catch {
        // The server is restarting: this DM was never sent.
      }
    };
    const sender = (async () => {
      while (sending) {
        sendOne();
        await sleep(everyMs);
      }
    })();
    const ctx: SoakContext = {
      stack,
      burst: (count) => {
        for (let i = 0; i < count; i++) sendOne();
      },
    };
    const plan = windows(Boolean(options.short)).filter(
      (w) => !options.only || options.only.includes(w.name),
    );
    for (const w of plan) {
      window = w.name;
      options.progress?.(
        `${((performance.now() - began) / 1000).toFixed(0)} s: ${w.name} (${sent.length} DMs so far)`,
      );
      await w.act(ctx);
      await sleep(w.holdMs);
      w.undo?.(stack);
    }
    sending = false;
    await sender;
    const answers = (dm: SentDm) =>
      dm.account.dev
        .messagesFor(dm.human)
        .filter((m) => m.sendID === dm.account.bot && m.text === `ACK SOAK-${dm.n}`).length;
    // A loaded gateway works a backlog of turns off slowly after its restarts: every DM must still come.
    await waitUntil(() => sent.every((dm) => answers(dm) > 0), 600_000, 500);
    await sleep(5000); // a late second answer would land here
    const output = stack.output();
    const leaks = createLogCapture().leaks(stack.tokens, [output]).length;
    const names = ["starting", ...plan.map((w) => w.name)];
    return names.map((name, i): FaultRow => {
      const dms = sent.filter((dm) => dm.window === name);
      const counts = dms.map(answers);
      const lost = counts.filter((c) => c === 0).length;
      // Which ones, to look them up in the gateway's log (SOAK_GATEWAY_LOG) and state (SOAK_KEEP_STATE).
      const missing = dms
        .filter((_, k) => counts[k] === 0)
        .slice(0, 5)
        .map((dm) => `SOAK-${dm.n} to ${dm.account.bot}`);
      const duplicated = counts.filter((c) => c > 1).length;
      return {
        fault: `soak: ${name}`,
        // A fault window in which no DM was sent proves nothing: a failed row.
        recovered: lost === 0 && duplicated === 0 && (i === 0 || dms.length > 0),
        outcome: `sent ${dms.length}, answered ${dms.length - lost}, lost ${lost}, duplicated ${duplicated}${missing.length > 0 ? ` (lost: ${missing.join(", ")})` : ""}${i === 0 ? ` (gateway ready after ${ready} s, DM every ${everyMs} ms; OpenClaw's crash-loop breaker held the channel back at ${stack.breakerStarts()} start(s), started by hand as it says)` : ""}`,
        sent: dms.length,
        received: dms.length - lost,
        duplicates: counts.reduce((sum, c) => sum + Math.max(0, c - 1), 0),
        refreshCalls: i === 0 ? stack.refresh.calls.length : 0,
        secretsInLogs: i === 0 ? leaks : 0,
        logLines: i === 0 ? output.split("\n").filter(Boolean).length : 0,
      };
    });
  } finally {
    sending = false;
    if (process.env.SOAK_GATEWAY_LOG)
      await writeFile(process.env.SOAK_GATEWAY_LOG, stack.output()).catch(() => undefined);
    await stack.stop();
  }
}
