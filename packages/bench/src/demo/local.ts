import { freshToken } from "@multi-openim/testkit";
import { say } from "../quiet-console.ts";
import { holdOpen, KEEP_HINT } from "./keep.ts";
import { runLocalSteps } from "./local-steps.ts";
import type { createNarrator } from "./narrator.ts";
import { isStopping, STOPPED_EARLY, stopOnSignal } from "./signals.ts";
import { startGatewayStack, startTwoServers } from "./stack.ts";

/** Two devservers, a real gateway with two accounts, the narrated steps, then the summary (or --keep). */
export async function runLocalDemo(n: ReturnType<typeof createNarrator>, keep: boolean): Promise<boolean> {
  let servers: Awaited<ReturnType<typeof startTwoServers>> | undefined;
  let stack: Awaited<ReturnType<typeof startGatewayStack>> | undefined;
  let holding = false;
  let ok = false;
  const cleanup = async () => {
    await stack?.stop();
    await servers?.close();
  };
  // Ctrl-C stops it all: after --keep's instructions that is the normal end (the steps' result is the
  // exit code); earlier it is the user's choice to stop, not a failure: a plain line and exit 0.
  stopOnSignal(async () => {
    await cleanup();
    if (!holding) say(STOPPED_EARLY);
    return holding && !ok ? 1 : 0;
  });
  // The summary ends every run, a failed start included.
  const finish = () => {
    if (isStopping()) return false; // Ctrl-C: the steps it cut short are no result to show
    say(`\n${n.summary()}`);
    return n.results.every((r) => r.ok);
  };
  try {
    const started = await n.step("start two OpenIM devservers (server A and server B)", async () => {
      servers = await startTwoServers();
      return `A ${servers.a.apiAddr} (bot_a, alice, carol, group "team"); B ${servers.b.apiAddr} (bot_b, bob)`;
    });
    if (!started || !servers) return finish();
    const { a, b } = servers;
    const issued: string[] = []; // every token the demo hands out, initial and refreshed: none may be printed
    const issue = (server: typeof a, userID: string) => {
      const token = freshToken(server, userID);
      issued.push(token);
      return token;
    };
    const up = await n.step(
      "start an OpenClaw gateway with multi-openim-channel and the echo model",
      async () => {
        stack = await startGatewayStack({
          mint: (id) => {
            if (id === "a") return issue(a, "bot_a");
            if (id === "b") return issue(b, "bot_b");
            throw new Error(`unknown account ${id}`);
          },
          accounts: () => [
            { id: "a", token: issue(a, "bot_a"), wsAddr: a.wsAddr, apiAddr: a.apiAddr },
            { id: "b", token: issue(b, "bot_b"), wsAddr: b.wsAddr, apiAddr: b.apiAddr },
          ],
        });
        n.info(`gateway on 127.0.0.1:${stack.port}, config ${stack.configPath}; waiting for both accounts …`);
        await stack.waitFor(/\[multi-openim\] a: running/, 240_000);
        await stack.waitFor(/\[multi-openim\] b: running/, 60_000);
        return "accounts a (server A) and b (server B) running";
      },
    );
    if (!up || !stack) return finish();
    await runLocalSteps(n, stack, servers);
    const output = stack.gateway.output;
    await n.step("no token in the gateway's output", async () => {
      const leaked = issued.filter((token) => output.includes(token)).length;
      if (leaked) throw new Error(`${leaked} token(s) appear in the gateway output`);
      return `${output.split("\n").length} lines checked against ${issued.length} tokens (initial and refreshed)`;
    });
    ok = finish();
    if (!keep) say(KEEP_HINT);
    if (keep) {
      holding = true;
      await holdOpen({ stack, servers });
    }
    return ok;
  } finally {
    // A run that never reached --keep's hold (a failed start) must not leave a gateway behind.
    if (!holding) await cleanup();
  }
}
