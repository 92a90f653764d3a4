import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import type { ChannelSnapshot } from "./status.js";
import { type FakeClient, pluginWithDoubles, until } from "./test-doubles.js";

const cfg = twoAccountConfig();

async function start(stateDir: string) {
  const env = pluginWithDoubles({ stateDir, reply: "ok" });
  const abort = new AbortController();
  const statuses: ChannelSnapshot[] = [];
  const running = env.plugin.channel.gateway.startAccount({
    cfg,
    accountId: "a",
    account: env.plugin.channel.config.resolveAccount(cfg, "a"),
    abortSignal: abort.signal,
    setStatus: (s) => statuses.push(s),
  });
  await until(() => statuses.some((s) => s.connected));
  const client = env.clients.at(-1) as FakeClient;
  const stop = () => {
    abort.abort();
    return running;
  };
  return { client, stop };
}

test("a message the client hands on while the account stops is answered once (the journal keeps it), never dropped", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), "mo-stop-handoff-"));
  const first = await start(stateDir);
  // The client delivers one more message while it stops (a catch-up page, a push in flight), and saves
  // its position past it when its stop completes.
  const stop = first.client.stop.bind(first.client);
  let late: string | undefined;
  first.client.stop = async () => {
    late = first.client.push({ kind: "direct", text: "arrived while stopping" }).clientMsgID;
    await stop();
  };
  await first.stop();
  expect(late).toBeDefined();
  const second = await start(stateDir);
  await until(() => first.client.sent.length + second.client.sent.length === 1);
  await new Promise((r) => setTimeout(r, 100));
  expect([...first.client.sent, ...second.client.sent]).toEqual([
    expect.objectContaining({ target: { kind: "user", id: "alice" }, text: "ok" }),
  ]);
  await second.stop();
});
