import { afterAll, beforeAll, expect, test } from "vitest";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server.close();
});

/** Counts the live session's history pages (what a hole in the seqs costs). */
function countHistoryPages(client: unknown): () => number {
  const sdk = (client as { session?: { sdk: Record<string, (...a: unknown[]) => unknown> } }).session!.sdk;
  const original = sdk.getAdvancedHistoryMessageList!;
  let pages = 0;
  sdk.getAdvancedHistoryMessageList = (...args: unknown[]) => {
    pages++;
    return original.apply(sdk, args);
  };
  return () => pages;
}

test("the bot's own replies fill the seqs: the message after a reply is not a hole, nothing is fetched", {
  timeout: 60_000,
}, async () => {
  const account = accountOn(server, "echo", "echo-bot");
  server.registerUser("carol");
  const h = harness(account, { tokenRefresher: devRefresher(server, () => "echo-bot") });
  await h.client.start();
  try {
    server.sendAs("carol", "user:echo-bot", "first");
    await waitFor(() => h.messages.length === 1, 10_000, "first DM");
    const pages = countHistoryPages(h.client);
    // An echo bot: every message answered (three replies each), then the next one comes in.
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 3; k++) await h.client.sendText("user:carol", `reply ${i}.${k}`);
      server.sendAs("carol", "user:echo-bot", `next ${i}`);
      await waitFor(() => h.messages.length === 2 + i, 10_000, `DM ${i}`);
    }
    expect(h.messages.map((m) => m.text)).toEqual([
      "first",
      "next 0",
      "next 1",
      "next 2",
      "next 3",
      "next 4",
    ]);
    expect(pages()).toBe(0);
  } finally {
    await h.client.stop();
  }
});

test("replies racing a burst of DMs: every DM once, own replies never delivered", {
  timeout: 60_000,
}, async () => {
  const account = accountOn(server, "race", "race-bot");
  server.registerUser("dave");
  const h = harness(account, { tokenRefresher: devRefresher(server, () => "race-bot") });
  h.client.on("message", (m) => void h.client.sendText(m.target, `echo: ${m.text}`).catch(() => undefined));
  await h.client.start();
  try {
    const sent = Array.from({ length: 60 }, (_, i) => `burst ${i}`);
    for (const text of sent) server.sendAs("dave", "user:race-bot", text);
    await waitFor(() => h.messages.length >= sent.length, 30_000, "the burst");
    await waitFor(
      () => server.messagesFor("race-bot").filter((m) => m.sendID === "race-bot").length === sent.length,
      30_000,
      "every echo stored",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(h.messages.map((m) => m.text)).toEqual(sent);
  } finally {
    await h.client.stop();
  }
});
