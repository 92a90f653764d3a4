import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, describe, expect, test } from "vitest";
import { createMcpServer } from "./mcp-server.js";
import { MULTI_OPENIM_TOOL_NAMES } from "./names.js";
import { createRecordingSender } from "./test-sender.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function connect() {
  const recording = createRecordingSender({ primary: { connected: true }, backup: { connected: false } });
  const server = createMcpServer(recording.sender, { version: "1.2.3" });
  const client = new Client({ name: "test", version: "0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  return { ...recording, client };
}

function textOf(result: object): string {
  return ((result as { content: { text: string }[] }).content ?? []).map((c) => c.text).join("\n");
}

describe("createMcpServer", () => {
  test("tools/list shows the four tools with plain JSON Schemas", async () => {
    const { client } = await connect();
    expect(client.getServerVersion()).toMatchObject({ name: "multi-openim", version: "1.2.3" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...MULTI_OPENIM_TOOL_NAMES]);
    expect(tools).toMatchSnapshot();
  });

  test("a call without accountId is a tool error that names accountId and the configured accounts", async () => {
    const { client, sent } = await connect();
    const result = await client.callTool({
      name: "multi_openim_send_text",
      arguments: { to: "user:alice", text: "hi" },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'Error TOOL_INPUT_INVALID: accountId is required (there is no default account): pass one of "primary", "backup".',
    );
    expect(sent).toEqual([]);
  });

  test("a good call sends and returns the message id as text and structured content", async () => {
    const { client, sent } = await connect();
    const result = await client.callTool({
      name: "multi_openim_send_image",
      arguments: { accountId: "primary", to: "group:g1", url: "https://cdn.example.com/cat.png" },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ messageId: "msg-1", accountId: "primary", to: "group:g1" });
    expect(textOf(result)).toBe("Sent. messageId=msg-1 accountId=primary to=group:g1");
    expect(sent).toMatchObject([{ kind: "image", source: { url: "https://cdn.example.com/cat.png" } }]);
  });

  test("a disconnected account and an unknown tool are tool errors, not protocol failures", async () => {
    const { client } = await connect();
    const offline = await client.callTool({
      name: "multi_openim_send_text",
      arguments: { accountId: "backup", to: "user:a", text: "x" },
    });
    expect(offline.isError).toBe(true);
    expect(textOf(offline)).toMatch(/^Error NOT_CONNECTED: account "backup" is not connected.*"primary"/);
    const unknown = await client.callTool({ name: "multi_openim_send_fax", arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/Unknown tool multi_openim_send_fax: use one of multi_openim_send_text/);
  });
});
