import { sendKeyClientMsgID } from "@multi-openim/client";
import type { ChannelMessageAdapterShape } from "openclaw/plugin-sdk/channel-message";
import { PlatformMessageNotDispatchedError } from "openclaw/plugin-sdk/error-runtime";
import { describe, expect, test } from "vitest";
import { TEXT_CHUNK_LIMIT } from "./chunk.js";
import { createOutboundAdapters } from "./outbound.js";
import { deliveryKey, type UnknownSendContext } from "./outbound-message.js";
import { AccountRegistry } from "./registry.js";
import { Sends } from "./sends.js";
import { fakeAccount as account, FakeClient, memoryLogger, unknownSendContext } from "./test-doubles.js";

function setup() {
  const registry = new AccountRegistry();
  const { logger } = memoryLogger();
  const sends = new Sends({
    registry,
    configured: () => ["a"],
    log: () => logger,
    pollMs: 10,
    maxWaitMs: 200,
  });
  const { message } = createOutboundAdapters({
    registry,
    sends,
    mediaRoots: () => [],
    reconcileAccountWaitMs: 200,
    reconcileSettleMs: 20,
  });
  // Proof against the installed OpenClaw types: this is a message adapter its core accepts.
  const typed: ChannelMessageAdapterShape = message;
  return { registry, message: typed as typeof message };
}

async function running(env: ReturnType<typeof setup>) {
  const client = new FakeClient(account("a"));
  await client.start();
  env.registry.add({ account: account("a"), client });
  return client;
}

const unknownSend = (queueId: string, text: string, extra: Partial<UnknownSendContext> = {}) =>
  unknownSendContext(queueId, text, { to: "user:alice", ...extra });

const idOf = (queueId: string, part = 0) => sendKeyClientMsgID(deliveryKey(queueId, part, 0));
const earlier = (client: FakeClient, minutesAgo: number) =>
  client.storeOwn(
    {
      target: { kind: "user", id: "alice" },
      clientMsgID: `old${minutesAgo}`,
      serverMsgID: `sold${minutesAgo}`,
      serverTime: Date.now() - minutesAgo * 60_000,
    },
    "an earlier message",
  );

describe("text sends OpenClaw queued carry its queue id in their clientMsgID", () => {
  test("a keyed send: the clientMsgID comes from the queue id and part; OpenClaw's attempt mark comes first", async () => {
    const env = setup();
    const client = await running(env);
    const marks: number[] = [];
    const result = await env.message.send.text({
      to: "user:alice",
      text: "hello",
      accountId: "a",
      deliveryQueueId: "q-1",
      deliveryPartIndex: 2,
      onPlatformSendDispatch: async () => {
        marks.push(client.sent.length);
      },
    });
    expect(marks).toEqual([0]);
    expect(client.sent).toHaveLength(1);
    expect(client.sent[0]?.options?.clientMsgID).toBe(idOf("q-1", 2));
    expect(result).toMatchObject({ messageId: "s1", receipt: { platformMessageIds: ["s1"] } });
    expect(result.receipt.parts).toEqual([{ platformMessageId: "s1", kind: "text", index: 0 }]);
  });

  test("a send OpenClaw did not queue keeps the SDK's own clientMsgID", async () => {
    const env = setup();
    const client = await running(env);
    await env.message.send.text({ to: "user:alice", text: "plain", accountId: "a" });
    expect(client.sent[0]?.options).toBeUndefined();
  });

  test("a send refused before anything went out tells OpenClaw it was not dispatched (safe to retry)", async () => {
    const env = setup();
    const refused = env.message.send.text({
      to: "user:alice",
      text: "x",
      accountId: "a",
      deliveryQueueId: "q",
    });
    await expect(refused).rejects.toBeInstanceOf(PlatformMessageNotDispatchedError);
    await expect(refused).rejects.toThrow(/nothing was sent/);
  });
});

describe("reconcileUnknownSend: did the send OpenClaw had started reach the server?", () => {
  test("it did (the process died before the answer): 'sent' with the server's ids, nothing sent again", async () => {
    const env = setup();
    const client = await running(env);
    earlier(client, 30);
    client.storeOwn(
      {
        target: { kind: "user", id: "alice" },
        clientMsgID: idOf("q-sent"),
        serverMsgID: "srv-9",
        serverTime: Date.now(),
      },
      "hello",
    );
    const verdict = await env.message.durableFinal.reconcileUnknownSend(unknownSend("q-sent", "hello"));
    expect(verdict).toMatchObject({
      status: "sent",
      messageId: "srv-9",
      receipt: { primaryPlatformMessageId: "srv-9", platformMessageIds: ["srv-9"] },
    });
    expect(client.sent).toEqual([]);
  });

  test("it did not: 'not_sent'; OpenClaw's replay goes out with the same id, and a second check finds it once", async () => {
    const env = setup();
    const client = await running(env);
    earlier(client, 30);
    const ctx = unknownSend("q-lost", "hello");
    expect(await env.message.durableFinal.reconcileUnknownSend(ctx)).toEqual({ status: "not_sent" });
    await env.message.send.text({ to: ctx.to, text: "hello", accountId: "a", deliveryQueueId: "q-lost" });
    expect(await env.message.durableFinal.reconcileUnknownSend(ctx)).toMatchObject({ status: "sent" });
    expect(client.stored.filter((m) => m.clientMsgID === idOf("q-lost"))).toHaveLength(1);
  });

  test("history that answers empty (not synced yet, or a first DM) proves nothing: ask again later", async () => {
    const env = setup();
    await running(env);
    expect(await env.message.durableFinal.reconcileUnknownSend(unknownSend("q-new", "hi"))).toMatchObject({
      status: "unresolved",
      retryable: true,
      error: expect.stringMatching(/no history yet/),
    });
  });

  test("a long text in two parts: both there is 'sent', one of two is unresolved (never replayed whole)", async () => {
    const env = setup();
    const client = await running(env);
    const long = "x".repeat(TEXT_CHUNK_LIMIT + 10);
    const part = (queueId: string, index: number) =>
      client.storeOwn({
        target: { kind: "user", id: "alice" },
        clientMsgID: idOf(queueId, index),
        serverMsgID: `${queueId}-${index}`,
        serverTime: Date.now(),
      });
    part("q-two", 0);
    part("q-two", 1);
    expect(await env.message.durableFinal.reconcileUnknownSend(unknownSend("q-two", long))).toMatchObject({
      status: "sent",
      receipt: { platformMessageIds: ["q-two-0", "q-two-1"] },
    });
    part("q-half", 0);
    expect(await env.message.durableFinal.reconcileUnknownSend(unknownSend("q-half", long))).toMatchObject({
      status: "unresolved",
      retryable: false,
      error: expect.stringMatching(/1 of 2 parts/),
    });
  });

  test("newer messages fill the history page past the send's time: unresolved, not guessed", async () => {
    const env = setup();
    const client = await running(env);
    for (let i = 0; i < 100; i++)
      client.storeOwn({
        target: { kind: "user", id: "alice" },
        clientMsgID: `n${i}`,
        serverMsgID: `sn${i}`,
        serverTime: Date.now(),
      });
    expect(await env.message.durableFinal.reconcileUnknownSend(unknownSend("q-hidden", "hi"))).toMatchObject({
      status: "unresolved",
      retryable: false,
    });
  });

  test("sends OpenClaw does not key (media, a reply, several payloads) are never called 'not_sent'", async () => {
    const env = setup();
    const client = await running(env);
    let reads = 0;
    const read = client.recentMessages.bind(client);
    client.recentMessages = (id, count) => {
      reads += 1;
      return read(id, count);
    };
    for (const ctx of [
      unknownSend("q-m", "caption", { payloads: [{ text: "caption", mediaUrl: "https://h/cat.png" }] }),
      unknownSend("q-r", "re", { replyToId: "m1" }),
      unknownSend("q-2", "a", { payloads: [{ text: "a" }, { text: "b" }] }),
    ]) {
      expect(await env.message.durableFinal.reconcileUnknownSend(ctx)).toMatchObject({
        status: "unresolved",
        retryable: false,
      });
    }
    expect(reads).toBe(0);
  });

  test("an account that does not run in time: unresolved and retryable (OpenClaw asks again later)", async () => {
    const env = setup();
    expect(await env.message.durableFinal.reconcileUnknownSend(unknownSend("q-wait", "hi"))).toMatchObject({
      status: "unresolved",
      retryable: true,
      error: expect.stringMatching(/could not be asked yet/),
    });
  });
});
