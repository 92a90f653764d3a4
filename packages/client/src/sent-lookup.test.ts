import { afterAll, expect, test } from "vitest";
import { findSentMessages, sendKeyClientMsgID } from "./sent-lookup.js";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

const servers: DevServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function login(server: DevServer, userID: string) {
  const h = harness(accountOn(server, userID, userID), {
    tokenRefresher: devRefresher(server, () => userID),
  });
  await h.client.start();
  await waitFor(() => h.client.status().connected, 10_000, "connected");
  return h;
}

async function setup(userID: string) {
  const server = await startDevServer();
  servers.push(server);
  server.registerUser("peer");
  return { server, h: await login(server, userID) };
}

const peer = { kind: "user" as const, id: "peer" };

test("a keyed send goes out under its key's clientMsgID; after a restart history tells sent from never sent", {
  timeout: 30_000,
}, async () => {
  const { server, h } = await setup("bot-keyed");
  const id = sendKeyClientMsgID("queue-1/0/0");
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  expect(sendKeyClientMsgID("queue-1/0/0")).toBe(id);
  await h.client.sendText("user:peer", "an older message");
  const sent = await h.client.sendText("user:peer", "keyed", { clientMsgID: id });
  const stored = server.messagesFor("peer").filter((m) => m.text === "keyed");
  expect(stored.map((m) => m.clientMsgID)).toEqual([id]);
  expect(sent.clientMsgID).toBe(id);
  await h.client.stop();

  // A new process logs in and asks at once (its history answers empty for a moment: read again).
  const after = await login(server, "bot-keyed");
  try {
    const never = sendKeyClientMsgID("queue-2/0/0");
    const lookup = await findSentMessages(after.client, {
      selfUserID: "bot-keyed",
      to: peer,
      clientMsgIDs: [id, never],
      since: Date.now() - 5000,
    });
    expect([...lookup.found.keys()]).toEqual([id]);
    expect(lookup.found.get(id)?.serverMsgID).toBe(stored[0]?.serverMsgID);
    expect(lookup.complete).toBe(true);

    const absent = await findSentMessages(after.client, {
      selfUserID: "bot-keyed",
      to: peer,
      clientMsgIDs: [never],
      since: Date.now() - 5000,
    });
    expect(absent).toMatchObject({ complete: true, seen: 2 });
    expect(absent.found.size).toBe(0);
  } finally {
    await after.client.stop();
  }
});

test("right after its own send (history still without it) the second read finds it", {
  timeout: 30_000,
}, async () => {
  const { h } = await setup("bot-fresh");
  try {
    await h.client.sendText("user:peer", "before");
    const id = sendKeyClientMsgID("queue-4/0/0");
    await h.client.sendText("user:peer", "just sent", { clientMsgID: id });
    const lookup = await findSentMessages(h.client, {
      selfUserID: "bot-fresh",
      to: peer,
      clientMsgIDs: [id],
      since: Date.now() - 5000,
    });
    expect([...lookup.found.keys()]).toEqual([id]);
  } finally {
    await h.client.stop();
  }
});

test("a keyed send whose first attempt was lost in a drop is resent once under the same key", {
  timeout: 45_000,
}, async () => {
  const { server, h } = await setup("bot-keyed-drop");
  try {
    const id = sendKeyClientMsgID("queue-3/0/0");
    server.dropOnNextSend("bot-keyed-drop", { store: false });
    await h.client.sendText("user:peer", "keyed through a drop", { clientMsgID: id });
    await new Promise((r) => setTimeout(r, 500));
    const stored = server.messagesFor("peer").filter((m) => m.text === "keyed through a drop");
    expect(stored.map((m) => m.clientMsgID)).toEqual([id]);
  } finally {
    await h.client.stop();
  }
});
