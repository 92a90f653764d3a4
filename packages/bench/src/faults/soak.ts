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

/** One fault window: what lands at its start, how long DMs keep coming in it. */
interface Window {
  name: string;
  act(stack: SoakStack): Promise<void>;
  holdMs: number;
}

const restart = (signal: "SIGTERM" | "SIGKILL", downMs: number) => async (stack: SoakStack) => {
  const gateway = stack.gateways.at(-1);
  await (signal === "SIGTERM" ? gateway?.stop() : gateway?.kill9());
  await sleep(downMs); // DMs keep coming while the gateway is down
  // As a supervisor would: OpenClaw itself sometimes fails to start on a loaded machine (its state
  // lease heartbeat has a 5 s startup timeout), so a failed start is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      await stack.start(300_000);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await stack.gateways.at(-1)?.kill9();
    }
  }
};

function windows(short: boolean): Window[] {
  const hold = short ? 6000 : 15_000;
  const [one, two] = [0, 1];
  return [
    { name: "steady (no fault)", act: async () => undefined, holdMs: hold },
    { name: "SIGTERM restart, DMs sent while down", act: restart("SIGTERM", 6000), holdMs: hold },
    {
      name: "connection drop during a reply (stored / not stored)",
      act: async (s) => {
        s.accounts[one]!.dev.dropOnNextSend(s.accounts[one]!.bot, { store: true });
        s.accounts[two]!.dev.dropOnNextSend(s.accounts[two]!.bot, { store: false });
      },
      holdMs: hold,
    },
    {
      name: "token expiry",
      act: async (s) => void s.accounts[one]!.dev.expireToken(s.accounts[one]!.bot),
      holdMs: hold,
    },
    { name: "kick", act: async (s) => void s.accounts[two]!.dev.kick(s.accounts[two]!.bot), holdMs: hold },
    { name: "server restart", act: (s) => s.accounts[one]!.dev.restart(), holdMs: hold },
    { name: "SIGKILL, DMs sent while down", act: restart("SIGKILL", 6000), holdMs: hold },
  ];
}

/**
 * The soak: a real gateway with two accounts on two devservers, a DM every `everyMs` (alternating
 * accounts, each from a new human so OpenClaw never folds two into one turn) while the faults land one
 * after another. Every DM must be answered exactly once; one row per fault window.
 */
export async function soakFaults(
  options: { short?: boolean; everyMs?: number; progress?: (line: string) => void } = {},
): Promise<FaultRow[]> {
  const everyMs = options.everyMs ?? 3000;
  const stack = await startSoakStack();
  const sent: SentDm[] = [];
  let window = "starting";
  let sending = true;
  try {
    const began = performance.now();
    await stack.start(240_000);
    const ready = ((performance.now() - began) / 1000).toFixed(0);
    const sender = (async () => {
      for (let n = 1; sending; n++) {
        const account = stack.accounts[n % 2]!;
        const human = `human-${n}`;
        try {
          account.dev.sendAs(human, `user:${account.bot}`, `please answer SOAK-${n}`);
          sent.push({ n, account, human, window });
        } catch {
          // The server is restarting: this DM was never sent.
        }
        await sleep(everyMs);
      }
    })();
    for (const w of windows(Boolean(options.short))) {
      window = w.name;
      options.progress?.(
        `${((performance.now() - began) / 1000).toFixed(0)} s: ${w.name} (${sent.length} DMs so far)`,
      );
      await w.act(stack);
      await sleep(w.holdMs);
    }
    sending = false;
    await sender;
    const answers = (dm: SentDm) =>
      dm.account.dev
        .messagesFor(dm.human)
        .filter((m) => m.sendID === dm.account.bot && m.text === `ACK SOAK-${dm.n}`).length;
    await waitUntil(() => sent.every((dm) => answers(dm) > 0), 300_000, 500);
    await sleep(5000); // a late second answer would land here
    const output = stack.output();
    const leaks = createLogCapture().leaks(stack.tokens, [output]).length;
    const names = [...new Set(sent.map((dm) => dm.window))];
    return names.map((name, i): FaultRow => {
      const dms = sent.filter((dm) => dm.window === name);
      const counts = dms.map(answers);
      const lost = counts.filter((c) => c === 0).length;
      const duplicated = counts.filter((c) => c > 1).length;
      return {
        fault: `soak: ${name}`,
        recovered: lost === 0 && duplicated === 0,
        outcome: `sent ${dms.length}, answered ${dms.length - lost}, lost ${lost}, duplicated ${duplicated}${i === 0 ? ` (gateway ready after ${ready} s, DM every ${everyMs} ms)` : ""}`,
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
