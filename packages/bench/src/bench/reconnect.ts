import { createAccountClient } from "@multi-openim/client";
import { startDevServer } from "@multi-openim/devserver";
import { accountOn } from "@multi-openim/testkit";
import { type Spread, spread, waitUntil } from "../stats.ts";

export interface ReconnectFigures {
  /** A dropped socket (server side) until the client reports connected again. */
  dropToConnected: Spread;
}

/** `rounds` server-side drops of one account's socket, one at a time, with the client's default pacing. */
export async function benchReconnect(rounds = 10): Promise<ReconnectFigures> {
  const server = await startDevServer();
  const client = createAccountClient(accountOn(server, "bench-drop"), {
    tokenRefresher: {
      refresh: async () => ({
        ok: false,
        code: "REFRESH_DISABLED",
        message: "refresh off",
        markerPath: "",
        retryable: false,
      }),
    },
  });
  const times: number[] = [];
  try {
    await client.start();
    for (let i = 1; i <= rounds; i++) {
      const dropped = performance.now();
      server.dropConnections("bench-drop");
      const back = await waitUntil(
        () => client.status().reconnects === i && client.status().connected,
        30_000,
        2,
      );
      if (!back) throw new Error(`[bench] reconnect ${i} did not happen within 30 s`);
      times.push(performance.now() - dropped);
      await new Promise((r) => setTimeout(r, 200)); // the re-sync settles before the next drop
    }
  } finally {
    await client.stop();
    await server.close();
  }
  return { dropToConnected: spread(times) };
}
