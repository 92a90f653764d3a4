import { mkdtempSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { resubmitRequestPath } from "./dead-letters.js";
import { isGatewayNotAccepting } from "./delivery.js";
import { twoAccountConfig } from "./fixtures.js";
import { pluginWithDoubles, startAccountOnDoubles, until } from "./test-doubles.js";

const cfg = twoAccountConfig();

function setup(stateDir = mkdtempSync(join(tmpdir(), "mo-delivery-"))) {
  return pluginWithDoubles({
    stateDir,
    reply: "ok",
    options: { inboundRetryDelaysMs: [20, 20], resubmitPollMs: 50 },
  });
}

describe("durable hand-off to OpenClaw", () => {
  test("a dispatch refused while the gateway drains is kept and answered once after the restart", async () => {
    const first = setup();
    let refused = 0;
    first.runtime.inbound.dispatch = async () => {
      refused += 1;
      throw new Error("Gateway is draining; new tasks are not accepted");
    };
    const a = await startAccountOnDoubles(first, cfg);
    const message = a.client.push({ kind: "direct", text: "sent during the drain" });
    await until(() => refused >= 2);
    // A catch-up re-delivery while it waits does not start a second hand-off.
    a.client.push({ kind: "direct", text: "sent during the drain", clientMsgID: message.clientMsgID });
    await a.stop();
    expect(a.client.sent).toHaveLength(0);
    expect(
      first.lines.some((l) => l.includes(`inbound ${message.clientMsgID} kept for the next start`)),
    ).toBe(true);

    const b = await startAccountOnDoubles(setup(first.stateDir), cfg);
    await until(() => b.client.sent.length === 1);
    expect(b.client.sent[0]).toMatchObject({ target: { kind: "user", id: "alice" }, text: "ok" });
    await new Promise((r) => setTimeout(r, 100));
    expect(b.client.sent).toHaveLength(1);
    await b.stop();
  });

  test("a message the client hands on while the account stops is answered once (the journal keeps it), never dropped", async () => {
    const first = setup();
    const a = await startAccountOnDoubles(first, cfg);
    // The client delivers one more message while it stops (a catch-up page, a push in flight), and saves
    // its position past it when its stop completes.
    const stopClient = a.client.stop.bind(a.client);
    let late: string | undefined;
    a.client.stop = async () => {
      late = a.client.push({ kind: "direct", text: "arrived while stopping" }).clientMsgID;
      await stopClient();
    };
    await a.stop();
    expect(late).toBeDefined();
    const b = await startAccountOnDoubles(setup(first.stateDir), cfg);
    await until(() => a.client.sent.length + b.client.sent.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect([...a.client.sent, ...b.client.sent]).toEqual([
      expect.objectContaining({ target: { kind: "user", id: "alice" }, text: "ok" }),
    ]);
    await b.stop();
  });

  test("a final failure is a dead letter: status shows it, resubmitting it answers it", async () => {
    const env = setup();
    const original = env.runtime.inbound.dispatch;
    let broken = true;
    env.runtime.inbound.dispatch = async (params) => {
      if (broken) throw new Error("model provider down");
      return original(params);
    };
    const a = await startAccountOnDoubles(env, cfg);
    const message = a.client.push({ kind: "direct", text: "doomed for now" });
    await until(() => a.statuses.some((s) => s.audit?.deadLetters === 1));
    const dead = a.statuses.at(-1)?.audit;
    expect(dead?.lastDeadLetter).toMatchObject({ id: message.clientMsgID, error: "model provider down" });
    expect(env.lines.some((l) => l.includes("kept as a dead letter"))).toBe(true);
    // Re-delivered by a catch-up: still a dead letter, not answered, not doubled.
    a.client.push({ kind: "direct", text: "doomed for now", clientMsgID: message.clientMsgID });
    await new Promise((r) => setTimeout(r, 100));
    expect(a.client.sent).toHaveLength(0);

    broken = false;
    const request = resubmitRequestPath(env.stateDir, "a");
    await mkdir(dirname(request), { recursive: true });
    await writeFile(request, JSON.stringify({ ids: [message.clientMsgID] }));
    await until(() => a.client.sent.length === 1);
    await until(() => a.statuses.at(-1)?.audit?.deadLetters === undefined);
    await a.stop();
  });
});

test("the SDK's stray rejections are claimed with OpenClaw's handler registry (else OpenClaw exits the gateway)", async () => {
  const env = setup();
  const a = await startAccountOnDoubles(env, cfg);
  const { claimSdkRejections } = await import("./sdk-rejections.js");
  await claimSdkRejections(env.logger);
  const registry = (globalThis as Record<symbol, unknown>)[
    Symbol.for("openclaw.unhandledRejection.handlers")
  ];
  const handlers = [...(registry as Set<(reason: unknown) => boolean>)];
  const sdkRejection = {
    event: "GetOneConversation",
    operationID: "op1",
    data: null,
    errCode: 1501,
    errMsg: "token expired",
  };
  expect(handlers.some((claim) => claim(sdkRejection))).toBe(true);
  expect(handlers.some((claim) => claim(new Error("a bug of ours")))).toBe(false);
  await a.stop();
});

test("OpenClaw refusing work for now is retried, not dead-lettered; other failures are final", () => {
  // Seen in a real gateway while an `openclaw` CLI command held the state lock.
  expect(isGatewayNotAccepting(new Error("another OpenClaw process owns state-lifecycle"))).toBe(true);
  expect(isGatewayNotAccepting(new Error("Gateway is draining; new tasks are not accepted"))).toBe(true);
  expect(isGatewayNotAccepting(Object.assign(new Error("x"), { name: "GatewayDrainingError" }))).toBe(true);
  // Seen in the soak: OpenClaw's state database shedding load under a backlog of turns after a restart.
  const overloaded = Object.assign(new Error("SQLite worker queue capacity reached"), {
    name: "SqliteWorkerError",
    code: "overloaded",
  });
  expect(isGatewayNotAccepting(overloaded)).toBe(true);
  expect(isGatewayNotAccepting(new Error("SQLite worker queue capacity reached"))).toBe(true);
  expect(isGatewayNotAccepting(new Error("model returned 500"))).toBe(false);
});
