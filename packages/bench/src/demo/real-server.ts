import { say } from "../quiet-console.ts";
import { openclawArgs, runCommand } from "./harness.ts";
import { holdOpen } from "./keep.ts";
import type { createNarrator } from "./narrator.ts";
import { startGatewayStack } from "./stack.ts";

/**
 * `--ws --api --token`: one account on a real OpenIM server (token refresh off: the token is the
 * operator's). The demo cannot play the human there, so it shows the account connecting and its status;
 * with --keep, write to the bot from any OpenIM client.
 */
export async function runRealServerDemo(
  n: ReturnType<typeof createNarrator>,
  server: { ws: string; api: string; token: string },
  keep: boolean,
): Promise<boolean> {
  let stack: Awaited<ReturnType<typeof startGatewayStack>> | undefined;
  process.once("SIGINT", () => void stack?.stop().then(() => process.exit(130)));
  try {
    const up = await n.step(`start an OpenClaw gateway with one account on ${server.ws}`, async () => {
      stack = await startGatewayStack({
        accounts: () => [{ id: "real", token: server.token, wsAddr: server.ws, apiAddr: server.api }],
      });
      n.info(`config ${stack.configPath}; waiting for the account …`);
      await stack.waitFor(/\[multi-openim\] real: running/, 240_000);
      return "account real running";
    });
    if (up && stack) {
      const s = stack;
      await n.step("openclaw channels status", async () => {
        const [cmd, args] = openclawArgs("channels", "status", "--channel", "multi-openim");
        const out = await runCommand(cmd, args, { env: s.env, timeoutMs: 120_000 });
        for (const line of out.stdout.split("\n").filter((l) => /multi-openim|real/i.test(l)))
          n.info(`  │ ${line.trim()}`);
        if (out.code !== 0) throw new Error(`exit ${out.code}`);
        return "status printed";
      });
      await n.step("no token in the gateway's output", async () => {
        if (s.gateway.output.includes(server.token))
          throw new Error("the token appears in the gateway output");
        return `${s.gateway.output.split("\n").length} lines checked`;
      });
    }
    say(`\n${n.summary()}`);
    if (keep && stack) await holdOpen({ stack });
    return n.results.every((r) => r.ok);
  } finally {
    if (!keep) await stack?.stop();
  }
}
