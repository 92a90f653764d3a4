import { isMultiOpenimError } from "@multi-openim/core";
import { describe, expect, test } from "vitest";
import { MULTI_OPENIM_TOOL_NAMES } from "./names.js";
import { createOpenClawToolFactories, createOpenClawTools } from "./openclaw.js";
import { createRecordingSender } from "./test-sender.js";

function tools() {
  const recording = createRecordingSender({ primary: { connected: true } });
  const byName = new Map(createOpenClawTools(recording.sender).map((tool) => [tool.name, tool]));
  return { ...recording, byName };
}

describe("createOpenClawTools", () => {
  test("exposes exactly the four named tools, each with label, description and an object schema", () => {
    const { byName } = tools();
    expect([...byName.keys()]).toEqual([...MULTI_OPENIM_TOOL_NAMES]);
    for (const tool of byName.values()) {
      expect(tool.label).toMatch(/^OpenIM: send /);
      expect(tool.description).toMatch(/user:<userID>.*group:<groupID>/);
      expect(tool.description).toMatch(/accountId is required.*no default account/);
      expect(tool.parameters).toMatchObject({ type: "object" });
      expect(tool.parameters.required).toEqual(expect.arrayContaining(["accountId", "to"]));
    }
    expect(byName.get("multi_openim_send_text")?.parameters.required).toEqual(["accountId", "to", "text"]);
    expect(Object.keys(byName.get("multi_openim_send_file")?.parameters.properties ?? {})).toEqual([
      "accountId",
      "to",
      "url",
      "path",
      "fileName",
      "caption",
    ]);
  });

  test("execute returns the text the model reads and the message id + account as details", async () => {
    const { byName, sent } = tools();
    const result = await byName
      .get("multi_openim_send_text")!
      .execute("call-1", { accountId: "primary", to: "group:g7", text: "standup in 5" });
    expect(result).toEqual({
      content: [{ type: "text", text: "Sent. messageId=msg-1 accountId=primary to=group:g7" }],
      details: { ok: true, messageId: "msg-1", accountId: "primary", to: "group:g7" },
    });
    expect(sent).toHaveLength(1);
  });

  test("execute of a refused call throws the MultiOpenimError OpenClaw turns into an error tool result", async () => {
    const { byName, sent } = tools();
    const error = await byName
      .get("multi_openim_send_video")!
      .execute("call-2", { accountId: "nobody", to: "user:a", url: "https://x.example/v.mp4" })
      .catch((e: unknown) => e);
    expect(isMultiOpenimError(error)).toBe(true);
    expect(error).toMatchObject({ code: "ACCOUNT_UNKNOWN" });
    expect((error as Error).message).toMatch(
      /accountId "nobody" is not a configured account: pass one of "primary"/,
    );
    expect(sent).toEqual([]);
  });
});

describe("createOpenClawToolFactories", () => {
  test("a turn on one of our accounts names it in the description; accountId stays required", async () => {
    const { sender, sent } = createRecordingSender({
      primary: { connected: true },
      other: { connected: true },
    });
    const factories = createOpenClawToolFactories(sender);
    expect(factories).toHaveLength(4);
    const tool = factories[0]!({ messageChannel: "multi-openim", agentAccountId: "other" });
    expect(tool.description).toMatch(/arrived on account "other"; pass accountId "other"/);
    expect(tool.parameters.required).toContain("accountId");
    const error = await tool.execute("c", { to: "user:a", text: "hi" }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: "TOOL_INPUT_INVALID" });
    expect(sent).toEqual([]);
  });

  test("no hint for another channel, an unknown account, or no account", () => {
    const { sender } = createRecordingSender({ primary: { connected: true } });
    const [factory] = createOpenClawToolFactories(sender);
    const plain = createOpenClawTools(sender)[0]!.description;
    for (const ctx of [
      { messageChannel: "telegram", agentAccountId: "primary" },
      { messageChannel: "multi-openim", agentAccountId: "ghost" },
      {},
    ]) {
      expect(factory!(ctx).description).toBe(plain);
    }
  });
});
