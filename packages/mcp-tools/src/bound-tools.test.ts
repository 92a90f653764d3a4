import { describe, expect, test } from "vitest";
import { createBoundOpenClawTools } from "./bound-tools.js";
import { createRecordingSender } from "./test-sender.js";

const accounts = { public: { connected: true }, internal: { connected: true } };
const textTool = (tools: ReturnType<typeof createBoundOpenClawTools>) =>
  tools.find((t) => t.name === "multi_openim_send_text")!;

describe("tools bound to the turn's account", () => {
  test("a turn on account public cannot send as internal: refused, nothing sent", async () => {
    const { sender, sent } = createRecordingSender(accounts);
    const tool = textTool(
      createBoundOpenClawTools(sender, { messageChannel: "multi-openim", agentAccountId: "public" }),
    );
    const error = await tool
      .execute("c1", { accountId: "internal", to: "group:board", text: "hi" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TOOL_ACCOUNT_REFUSED" });
    expect((error as Error).message).toMatch(/came in on account "public".*tools\.crossAccount: true/);
    expect(sent).toEqual([]);
  });

  test("the turn's own account sends (OpenClaw may pass the id lower-cased)", async () => {
    const { sender, sent } = createRecordingSender({
      Public: { connected: true },
      internal: { connected: true },
    });
    const tool = textTool(
      createBoundOpenClawTools(sender, { messageChannel: "multi-openim", agentAccountId: "public" }),
    );
    expect(tool.description).toMatch(/arrived on account "Public"/);
    await tool.execute("c2", { accountId: "Public", to: "user:bob", text: "hi" });
    expect(sent).toMatchObject([{ accountId: "Public", target: "user:bob", text: "hi" }]);
  });

  test("other channels, the CLI and cron may name any account", async () => {
    const { sender, sent } = createRecordingSender(accounts);
    for (const ctx of [{ messageChannel: "telegram", agentAccountId: "public" }, {}]) {
      await textTool(createBoundOpenClawTools(sender, ctx)).execute("c", {
        accountId: "internal",
        to: "user:bob",
        text: "x",
      });
    }
    expect(sent.map((s) => s.accountId)).toEqual(["internal", "internal"]);
  });

  test("the operator's switch lifts the binding for that account only", async () => {
    const { sender, sent } = createRecordingSender(accounts);
    const allowed = (id: string) => id === "public";
    const fromPublic = createBoundOpenClawTools(
      sender,
      { messageChannel: "multi-openim", agentAccountId: "public" },
      { crossAccountAllowed: allowed },
    );
    await textTool(fromPublic).execute("c", { accountId: "internal", to: "user:bob", text: "x" });
    expect(sent).toHaveLength(1);
    const fromInternal = createBoundOpenClawTools(
      sender,
      { messageChannel: "multi-openim", agentAccountId: "internal" },
      { crossAccountAllowed: allowed },
    );
    await expect(
      textTool(fromInternal).execute("c", { accountId: "public", to: "user:bob", text: "x" }),
    ).rejects.toMatchObject({ code: "TOOL_ACCOUNT_REFUSED" });
    expect(sent).toHaveLength(1);
  });

  test("a turn on our channel without an account refuses every send", async () => {
    const { sender, sent } = createRecordingSender(accounts);
    const tool = textTool(createBoundOpenClawTools(sender, { messageChannel: "multi-openim" }));
    await expect(tool.execute("c", { accountId: "public", to: "user:b", text: "x" })).rejects.toMatchObject({
      code: "TOOL_ACCOUNT_REFUSED",
    });
    expect(sent).toEqual([]);
  });
});
