import { MultiOpenimError } from "@multi-openim/core";
import { describe, expect, test } from "vitest";
import { runSendMedia, runSendText } from "./run.js";
import { createRecordingSender } from "./test-sender.js";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJVc2VySUQiOiJib3QifQ.c2lnbmF0dXJlLXNlY3JldA";

function setup() {
  return createRecordingSender({ primary: { connected: true }, "team-b": { connected: false } });
}

describe("runSendText", () => {
  test("sends to the normalized target and returns the message id and account", async () => {
    const { sender, sent } = setup();
    const outcome = await runSendText(sender, { accountId: "primary", to: " USER:alice ", text: "hi" });
    expect(outcome).toEqual({ ok: true, messageId: "msg-1", accountId: "primary", to: "user:alice" });
    expect(sent).toMatchObject([{ kind: "text", accountId: "primary", target: "user:alice", text: "hi" }]);
  });

  test.each([
    [{ to: "user:a", text: "x" }, "TOOL_INPUT_INVALID", /accountId is required.*"primary", "team-b"/],
    [{ accountId: "", to: "user:a", text: "x" }, "TOOL_INPUT_INVALID", /accountId is required/],
    [{ accountId: "../etc", to: "user:a", text: "x" }, "ACCOUNT_ID_INVALID", /accountId "..\/etc"/],
    [{ accountId: 7, to: "user:a", text: "x" }, "TOOL_INPUT_INVALID", /accountId must be a string/],
    [
      { accountId: "ghost", to: "user:a", text: "x" },
      "ACCOUNT_UNKNOWN",
      /"ghost" is not a configured account/,
    ],
    [
      { accountId: "team-b", to: "user:a", text: "x" },
      "NOT_CONNECTED",
      /"team-b" is not connected.*"primary"/,
    ],
    [{ accountId: "primary", text: "x" }, "TOOL_INPUT_INVALID", /to is required/],
    [{ accountId: "primary", to: "alice", text: "x" }, "TARGET_INVALID", /to "alice" is not a target/],
    [{ accountId: "primary", to: "channel:x", text: "x" }, "TARGET_INVALID", /user:<userID>/],
    [{ accountId: "primary", to: "user:a b", text: "x" }, "TARGET_INVALID", /no spaces/],
    [{ accountId: "primary", to: "user:a", text: "   " }, "TOOL_INPUT_INVALID", /text is empty/],
    [{ accountId: "primary", to: "user:a" }, "TOOL_INPUT_INVALID", /text is empty/],
  ])("refuses %j before sending", async (params, code, message) => {
    const { sender, sent } = setup();
    const outcome = await runSendText(sender, params);
    expect(outcome).toMatchObject({ ok: false, code });
    expect(outcome.ok ? "" : outcome.message).toMatch(message);
    expect(sent).toEqual([]);
  });

  test("a non-object params value is refused as a missing accountId, not a crash", async () => {
    const { sender } = setup();
    expect(await runSendText(sender, null)).toMatchObject({ ok: false, code: "TOOL_INPUT_INVALID" });
  });

  test("a sender error becomes SEND_FAILED with known secrets and JWT-like text redacted", async () => {
    const { sender, failNext } = setup();
    failNext(new Error(`server said no to token ${TOKEN} and password hunter22`));
    const outcome = await runSendText(
      sender,
      { accountId: "primary", to: "group:g1", text: "hi" },
      { secrets: () => ["hunter22"] },
    );
    expect(outcome).toMatchObject({ ok: false, code: "SEND_FAILED" });
    const message = outcome.ok ? "" : outcome.message;
    expect(message).toContain("server said no");
    expect(message).not.toContain(TOKEN);
    expect(message).not.toContain("hunter22");
  });

  test("a sender's actionable code is passed through; a thrown non-Error still yields a result", async () => {
    const { sender, failNext } = setup();
    failNext(new MultiOpenimError("SEND_TIMEOUT", "[client] no ack within 10000 ms"));
    const timedOut = await runSendText(sender, { accountId: "primary", to: "user:a", text: "hi" });
    expect(timedOut).toMatchObject({ ok: false, code: "SEND_TIMEOUT" });
    failNext({ errCode: 1004, errMsg: "RecordNotFoundError" });
    const sdk = await runSendText(sender, { accountId: "primary", to: "user:a", text: "hi" });
    expect(sdk).toMatchObject({ message: "the OpenIM send failed: errCode=1004 RecordNotFoundError" });
    failNext("plain string");
    const odd = await runSendText(sender, { accountId: "primary", to: "user:a", text: "hi" });
    expect(odd).toMatchObject({
      ok: false,
      code: "SEND_FAILED",
      message: "the OpenIM send failed: plain string",
    });
  });

  test("an aborted call sends nothing", async () => {
    const { sender, sent } = setup();
    const controller = new AbortController();
    controller.abort();
    const outcome = await runSendText(
      sender,
      { accountId: "primary", to: "user:a", text: "hi" },
      { signal: controller.signal },
    );
    expect(outcome).toMatchObject({ ok: false, code: "SEND_FAILED" });
    expect(sent).toEqual([]);
  });
});

describe("runSendMedia", () => {
  test.each(["image", "video", "file"] as const)(
    "sends a %s by url with caption and file name",
    async (kind) => {
      const { sender, sent } = setup();
      const outcome = await runSendMedia(sender, kind, {
        accountId: "primary",
        to: "group:g1",
        url: "https://cdn.example.com/a.bin",
        caption: "look",
        fileName: "a.bin",
      });
      expect(outcome).toEqual({
        ok: true,
        messageId: "msg-1",
        accountId: "primary",
        to: "group:g1",
        captionMessageId: "msg-2",
      });
      expect(sent).toMatchObject([
        {
          kind,
          accountId: "primary",
          target: "group:g1",
          source: { url: "https://cdn.example.com/a.bin" },
          options: { fileName: "a.bin" },
        },
        { kind: "text", accountId: "primary", target: "group:g1", text: "look" },
      ]);
    },
  );

  test("without a caption only the media goes out", async () => {
    const { sender, sent } = setup();
    const outcome = await runSendMedia(sender, "video", {
      accountId: "primary",
      to: "user:a",
      url: "https://x.example/v.mp4",
      caption: "  ",
    });
    expect(outcome).toEqual({ ok: true, messageId: "msg-1", accountId: "primary", to: "user:a" });
    expect(sent.map((s) => s.kind)).toEqual(["video"]);
  });

  test("a caption that fails after its media says the media arrived and not to resend it", async () => {
    const { sender, sent, failNext } = setup();
    failNext(new MultiOpenimError("SEND_TIMEOUT", "[client] no ack"), 1);
    const outcome = await runSendMedia(sender, "image", {
      accountId: "primary",
      to: "user:a",
      url: "https://x.example/a.png",
      caption: "see this",
    });
    expect(outcome).toMatchObject({ ok: false, code: "SEND_TIMEOUT" });
    expect(outcome.ok ? "" : outcome.message).toMatch(
      /^the image was sent \(messageId=msg-1\) but its caption was not .*send the caption alone with multi_openim_send_text, do not resend the image\.$/,
    );
    expect(sent.map((s) => s.kind)).toEqual(["image"]);
  });

  test.each([
    [{ caption: 5 }, /caption must be a string/],
    [{ fileName: "../../x.pdf" }, /fileName is a name, not a path/],
    [{ url: undefined }, /url or path is required/],
    [{ url: "ftp://x/y" }, /only http:\/\/ and https:\/\//],
  ])("refuses %j before sending", async (extra, message) => {
    const { sender, sent } = setup();
    const base = { accountId: "primary", to: "user:a", url: "https://x.example/a.png" };
    const outcome = await runSendMedia(sender, "image", { ...base, ...extra });
    expect(outcome.ok ? "" : outcome.message).toMatch(message);
    expect(sent).toEqual([]);
  });

  test("the account is checked for media as for text", async () => {
    const { sender } = setup();
    const outcome = await runSendMedia(sender, "file", { to: "user:a", url: "https://x.example/a" });
    expect(outcome).toMatchObject({ ok: false, code: "TOOL_INPUT_INVALID" });
  });
});
