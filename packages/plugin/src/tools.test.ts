import { createOpenClawTools, MULTI_OPENIM_TOOL_NAMES } from "@multi-openim/mcp-tools";
import { expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import type { ToolFactoryContext } from "./plugin.js";
import { type FakeClient, memoryLogger, pluginWithDoubles, until } from "./test-doubles.js";

type Tool = {
  name: string;
  execute: (id: string, params: unknown) => Promise<{ content: { text: string }[] }>;
};

test("the four tools are registered in factory form and send through the named account only", async () => {
  const { plugin, clients } = pluginWithDoubles({
    options: { createTools: (sender) => createOpenClawTools(sender), toolNames: MULTI_OPENIM_TOOL_NAMES },
  });
  const cfg = twoAccountConfig();
  let factory: ((ctx: ToolFactoryContext) => unknown) | undefined;
  let names: string[] | undefined;
  plugin.registerTools({
    logger: memoryLogger().logger,
    config: cfg,
    registerTool: (f, opts) => {
      factory = f;
      names = opts?.names;
    },
  });
  expect(names).toEqual([...MULTI_OPENIM_TOOL_NAMES]);
  const tools = factory?.({}) as Tool[];
  expect(tools.map((t) => t.name)).toEqual([...MULTI_OPENIM_TOOL_NAMES]);
  const sendText = tools[0] as Tool;

  await expect(sendText.execute("1", { to: "user:bob", text: "hi" })).rejects.toThrow(/accountId/);
  await expect(sendText.execute("2", { accountId: "a", to: "user:bob", text: "hi" })).rejects.toThrow(
    /not connected/,
  );

  const abort = new AbortController();
  let connected = false;
  const running = plugin.channel.gateway.startAccount({
    cfg,
    accountId: "b",
    account: plugin.channel.config.resolveAccount(cfg, "b"),
    abortSignal: abort.signal,
    setStatus: (s) => {
      connected ||= s.connected;
    },
  });
  await until(() => connected);
  const result = await sendText.execute("3", { accountId: "b", to: "group:g1", text: "from the tool" });
  expect(result.content[0]?.text).toMatch(/s1/);
  expect(clients[0]?.sent).toEqual([
    { kind: "text", target: { kind: "group", id: "g1" }, text: "from the tool" },
  ]);

  // The connection drops after the tool's check: the send waits in the client's queue, goes out once.
  const client = clients[0] as FakeClient;
  client.offline = true;
  const queued = sendText.execute("4", { accountId: "b", to: "user:carol", text: "after the drop" });
  await until(() => client.waiting === 1);
  expect(client.sent).toHaveLength(1);
  client.offline = false;
  expect((await queued).content[0]?.text).toMatch(/s2/);
  expect(client.sent.map((s) => s.text)).toEqual(["from the tool", "after the drop"]);
  abort.abort();
  await running;
});
