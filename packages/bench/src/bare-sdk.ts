import type { ResolvedAccount } from "@multi-openim/core";
import { getSDK } from "@openim/client-sdk/lib/index.modern.mjs";

interface SdkMessage {
  sendID: string;
  textElem?: { content: string };
}

/**
 * The baseline: the bare SDK as a bot author would use it, answering each DM with `echo: <text>`.
 * No timeouts, no recovery, no dedup — what the client package adds on top is what the bench prices.
 */
export async function startBareEchoBot(account: ResolvedAccount) {
  const info = console.info;
  console.info = () => undefined; // the SDK's banner ignores its log level
  const sdk: any = getSDK();
  console.info = info;
  const state = { received: 0, reply: true };
  sdk.on("OnRecvNewMessages", async ({ data }: { data: SdkMessage[] }) => {
    for (const m of data) {
      if (m.sendID === account.userID) continue;
      state.received += 1;
      if (!state.reply) continue;
      try {
        const { data: reply } = await sdk.createTextMessage(`echo: ${m.textElem?.content ?? ""}`);
        await sdk.sendMessage({ recvID: m.sendID, groupID: "", message: reply });
      } catch {
        // a failed echo shows up as a missing reply in the counts
      }
    }
  });
  const synced = new Promise((resolve) => sdk.on("OnSyncServerFinish", resolve));
  await sdk.login({
    userID: account.userID,
    token: account.token,
    wsAddr: account.wsAddr,
    apiAddr: account.apiAddr,
    platformID: account.platformID,
    logLevel: 5,
  });
  await synced;
  return {
    state,
    /** A one-way DM the way a bot author would send it with the bare SDK. */
    sendText: async (to: string, text: string) => {
      const { data: message } = await sdk.createTextMessage(text);
      return sdk.sendMessage({ recvID: to, groupID: "", message });
    },
    /** What an app does to show its conversation list; afterwards pushes into them need no lookup. */
    listConversations: () => sdk.getConversationListSplit({ offset: 0, count: 50 }),
    // Nothing public stops the SDK's retry loop: close its socket manager directly.
    stop: () => sdk.wsManager?.close?.(),
  };
}
