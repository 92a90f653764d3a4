// Import after ../ts-resolve.ts (the demo's stack loads the plugin's e2e harness sources).
import { startDevServer } from "@multi-openim/devserver";
import { freshToken } from "@multi-openim/testkit";
import { startGatewayStack } from "../demo/stack.ts";
import { type Spread, spread } from "../stats.ts";

export interface GatewayLatency {
  gatewayReadyMs: number;
  firstReplyMs: number;
  echo: Spread;
}

/**
 * Echo round trips through a real OpenClaw gateway (the plugin loaded from disk, the echo model as its
 * provider): a human's DM until the agent's reply is stored on the devserver, one at a time.
 */
export async function gatewayLatency(rounds: number): Promise<GatewayLatency> {
  const server = await startDevServer();
  server.registerUser("human");
  server.registerUser("gw-bot");
  const stack = await startGatewayStack({
    accounts: () => [
      { id: "g", token: freshToken(server, "gw-bot"), wsAddr: server.wsAddr, apiAddr: server.apiAddr },
    ],
  });
  try {
    let started = performance.now();
    await stack.waitFor(/\[multi-openim\] g: running/, 240_000);
    const gatewayReadyMs = performance.now() - started;
    const roundTrip = async (text: string) => {
      const begin = performance.now();
      server.sendAs("human", "user:gw-bot", text);
      await server.waitForMessage((m) => m.sendID === "gw-bot" && m.text === `echo: ${text}`, 120_000);
      return performance.now() - begin;
    };
    started = performance.now();
    const firstReplyMs = await roundTrip("warm up");
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push(await roundTrip(`gateway round ${i}`));
    return { gatewayReadyMs, firstReplyMs, echo: spread(times) };
  } finally {
    await stack.stop();
    await server.close();
  }
}
