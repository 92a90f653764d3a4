import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startDevServer } from "@multi-openim/devserver";
import { botAccount } from "../fixtures.ts";
import { createLogCapture } from "../log-capture.ts";
import { waitUntil } from "../stats.ts";
import type { FaultRow } from "./row.ts";

const HOST = fileURLToPath(new URL("./reply-host.ts", import.meta.url));

function host(env: NodeJS.ProcessEnv, output: string[]): { child: ChildProcess; lines: string[] } {
  const lines: string[] = [];
  const child = spawn(process.execPath, [HOST], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d) => lines.push(...String(d).trim().split("\n")));
  child.stderr?.on("data", (d) => output.push(String(d)));
  return { child, lines };
}

/**
 * A process hosting the bot is SIGKILLed after it received a DM and before it replied, then started
 * again with the same config: the DM must be answered exactly once. The client persists no inbound
 * journal yet (issue 10), and a fresh start takes existing history as its baseline, so the restarted
 * host never sees that DM again: the row is reported as a KNOWN GAP, never as a pass.
 */
export async function killMidReplyFault(): Promise<FaultRow> {
  const server = await startDevServer();
  const output: string[] = [];
  const logs = createLogCapture();
  const account = botAccount(server, "bot-k");
  server.registerUser("human");
  const env = { ...process.env, REPLY_HOST_ACCOUNT: JSON.stringify(account), REPLY_HOST_PAUSE_MS: "2000" };
  let current: ReturnType<typeof host> | undefined;
  try {
    current = host(env, output);
    await waitUntil(() => current!.lines.includes("READY"), 30_000, 20);
    const warm = server.sendAs("human", "user:bot-k", "warm");
    await server.waitForMessage((m) => m.sendID === "bot-k" && m.text === "re: warm", 20_000);
    const victim = server.sendAs("human", "user:bot-k", "answer me once");
    const received = await waitUntil(
      () => current!.lines.includes(`RECEIVED ${victim.clientMsgID}`),
      20_000,
      2,
    );
    current.child.kill("SIGKILL");
    await new Promise((r) => current!.child.once("exit", r));
    current = host(env, output);
    await waitUntil(() => current!.lines.includes("READY"), 30_000, 20);
    await new Promise((r) => setTimeout(r, 8000)); // room for a replay and its 2 s pause
    const answers = server
      .messagesFor("human")
      .filter((m) => m.sendID === "bot-k" && m.text === "re: answer me once");
    const exactlyOnce = received && answers.length === 1;
    return {
      fault: "kill -9 between receive and reply",
      recovered: exactlyOnce,
      outcome: `host killed after RECEIVED (${received ? "seen" : "NOT seen"}), restarted; answered ${answers.length}× (warm answered: ${warm ? "yes" : "no"})`,
      sent: 1,
      received: Math.min(answers.length, 1),
      duplicates: Math.max(0, answers.length - 1),
      refreshCalls: 0,
      secretsInLogs: logs.leaks([account.token], output).length,
      logLines: output.join("").split("\n").filter(Boolean).length,
      ...(answers.length === 0
        ? {
            knownGap:
              "no persisted inbound journal in the client: a restarted host never replays the DM (issue 10)",
          }
        : {}),
    };
  } finally {
    current?.child.kill("SIGKILL");
    await server.close();
  }
}
