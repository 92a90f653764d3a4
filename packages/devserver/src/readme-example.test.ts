// The README's bot-author example, kept runnable so the documented code stays true.
import { CbEvents, getSDK } from "@openim/client-sdk/lib/index.modern.mjs";
import { afterEach, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { settle } from "./test-sdk.js";

let server: DevServer;
afterEach(async () => {
  await settle(server);
  await server.close();
});

test("README example: my bot answers hello", async () => {
  server = await startDevServer();
  server.registerUser("alice", { nickname: "Alice" });
  const token = server.mintToken("bot", { platformID: 5 });

  // The published type omits the emitter (`on` / `off`) that every instance has.
  const sdk = getSDK() as ReturnType<typeof getSDK> & { on(event: string, handler: (e: any) => void): void };
  sdk.on(CbEvents.OnRecvNewMessages, async ({ data }) => {
    for (const m of data as { sendID: string; textElem?: { content: string } }[]) {
      if (m.sendID === "bot") continue;
      const { data: reply } = await sdk.createTextMessage(`you said: ${m.textElem?.content}`);
      await sdk.sendMessage({ recvID: m.sendID, groupID: "", message: reply });
    }
  });
  await sdk.login({
    userID: "bot",
    token,
    platformID: 5,
    wsAddr: server.wsAddr,
    apiAddr: server.apiAddr,
    logLevel: 5,
  });

  server.sendAs("alice", "user:bot", "hello");
  const answer = await server.waitForMessage((m) => m.sendID === "bot" && m.recvID === "alice", 5000);
  expect(answer.text).toBe("you said: hello");
  expect(server.unknownRoutes).toEqual([]);

  (sdk as unknown as { wsManager?: { close(): void } }).wsManager?.close();
});
