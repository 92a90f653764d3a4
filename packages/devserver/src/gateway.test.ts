import { afterEach, describe, expect, test } from "vitest";
import { decodeBase64, encodeBase64, PbCoder } from "./pb.js";
import { type DevServer, startDevServer } from "./server.js";

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A raw gateway client speaking the SDK's frames, to pin down answers the SDK hides. */
async function connect(s: DevServer, userID: string, token = s.mintToken(userID)) {
  const ws = new WebSocket(
    `${s.wsAddr}?sendID=${userID}&token=${token}&platformID=5&operationID=op&isBackground=false&isMsgResp=true&sdkType=js`,
  );
  ws.binaryType = "arraybuffer";
  const texts: string[] = [];
  const frames: { reqIdentifier: number; msgIncr: string; errCode: number; errMsg: string; data: string }[] =
    [];
  const waiters: (() => void)[] = [];
  ws.onmessage = (e) => {
    if (typeof e.data === "string") texts.push(e.data);
    else frames.push(JSON.parse(new TextDecoder().decode(e.data as ArrayBuffer)));
    for (const w of waiters.splice(0)) w();
  };
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  const next = async <T>(pick: () => T | undefined): Promise<T> => {
    for (let i = 0; i < 100; i++) {
      const v = pick();
      if (v !== undefined) return v;
      await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 50))]);
    }
    throw new Error("no frame");
  };
  let incr = 0;
  const request = async (reqIdentifier: number, data: string) => {
    const msgIncr = `m${++incr}`;
    ws.send(
      new TextEncoder().encode(
        JSON.stringify({ reqIdentifier, sendID: userID, operationID: `op-${msgIncr}`, msgIncr, data }),
      ),
    );
    return next(() => frames.find((f) => f.msgIncr === msgIncr));
  };
  await next(() => texts[0]);
  return { ws, texts, frames, request, next, closed };
}

describe("gateway frames", () => {
  test("first text frame says errCode 0; ping is answered with the JSON pong", async () => {
    server = await startDevServer();
    const c = await connect(server, "bot");
    expect(JSON.parse(c.texts[0]!)).toEqual({ errCode: 0, errMsg: "", errDlt: "" });
    c.ws.send(JSON.stringify({ type: "ping" }));
    expect(JSON.parse(await c.next(() => c.texts[1]))).toEqual({ type: "pong" });
    c.ws.close();
  });

  test("a bad token gets an error text frame, then the socket closes", async () => {
    server = await startDevServer();
    const c = await connect(server, "bot", "garbage");
    expect(JSON.parse(c.texts[0]!).errCode).toBe(1503);
    await c.closed;
    expect(server.counters.rejectedConnects).toBe(1);
    expect(server.counters.logins).toBe(0);
  });

  test("1006 with no ids lists every conversation (a joined group without messages too); 1002 answers the newest num; 1005 answers every id", async () => {
    server = await startDevServer();
    server.createGroup("quiet", ["bot", "alice"]);
    for (let i = 1; i <= 15; i++) server.sendAs("alice", "user:bot", `m${i}`);
    const c = await connect(server, "bot");

    const seqs = await c.request(
      1006,
      encodeBase64(PbCoder.GetConversationsHasReadAndMaxSeqReq, { userID: "bot", conversationIDs: [] }),
    );
    const bySeq = decodeBase64(PbCoder.GetConversationsHasReadAndMaxSeqResp, seqs.data).seqs;
    expect(Object.keys(bySeq).sort()).toEqual(["sg_quiet", "si_alice_bot"]);
    expect(bySeq.si_alice_bot).toMatchObject({ maxSeq: 15, hasReadSeq: 0 });
    expect(bySeq.sg_quiet?.maxSeq).toBe(0);

    const range = { conversationID: "si_alice_bot", begin: 1, end: 15, num: 10 };
    const pulled = await c.request(
      1002,
      encodeBase64(PbCoder.PullMessageBySeqsReq, {
        userID: "bot",
        seqRanges: [range, { conversationID: "si_x_y", begin: 1, end: 3, num: 10 }],
        order: 0,
      }),
    );
    const msgs = decodeBase64(PbCoder.PullMessageBySeqsResp, pulled.data).msgs;
    expect(msgs.si_alice_bot?.Msgs.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(msgs.si_alice_bot?.isEnd).toBe(true);
    expect(msgs.si_x_y).toEqual({ Msgs: [], isEnd: true });

    const partial = await c.request(
      1002,
      encodeBase64(PbCoder.PullMessageBySeqsReq, {
        userID: "bot",
        seqRanges: [{ ...range, end: 5 }],
        order: 0,
      }),
    );
    expect(decodeBase64(PbCoder.PullMessageBySeqsResp, partial.data).msgs.si_alice_bot?.isEnd).toBe(false);

    const bySeqList = await c.request(
      1005,
      encodeBase64(PbCoder.GetSeqMessageReq, {
        userID: "bot",
        conversations: [
          { conversationID: "si_alice_bot", seqs: [2, 1, 99] },
          { conversationID: "sg_quiet", seqs: [1] },
        ],
      }),
    );
    const got = decodeBase64(PbCoder.GetSeqMessageResp, bySeqList.data).msgs;
    expect(got.si_alice_bot?.Msgs.map((m) => new TextDecoder().decode(m.content))).toEqual([
      '{"content":"m1"}',
      '{"content":"m2"}',
    ]);
    expect(got.sg_quiet?.Msgs).toEqual([]);

    const unknown = await c.request(1004, "");
    expect(unknown.errCode).not.toBe(0);
    expect(server.unknownRoutes).toEqual(["ws:1004"]);
    c.ws.close();
  });

  test("a 1003 send is answered, then echoed to the sender with its operationID; the peer gets a 2001 push", async () => {
    server = await startDevServer();
    const a = await connect(server, "ua");
    const b = await connect(server, "ub");
    const msg = {
      sendID: "ua",
      recvID: "ub",
      clientMsgID: "c1",
      sessionType: 1,
      contentType: 101,
      content: new TextEncoder().encode('{"content":"hey"}'),
    };
    const reply = await a.request(1003, encodeBase64(PbCoder.MsgData, msg));
    expect(decodeBase64(PbCoder.UserSendMsgResp, reply.data).clientMsgID).toBe("c1");
    const pushB = await b.next(() => b.frames.find((f) => f.reqIdentifier === 2001));
    const echo = await a.next(() => a.frames.find((f) => f.reqIdentifier === 2001));
    expect(a.frames.indexOf(echo)).toBeGreaterThan(a.frames.indexOf(reply));
    expect((echo as unknown as { operationID: string }).operationID).toBe("op-m1");
    const pushed = decodeBase64(PbCoder.PushMessages, pushB.data).msgs.si_ua_ub?.Msgs[0];
    expect(pushed).toMatchObject({ clientMsgID: "c1", seq: 1, sendID: "ua" });
    // Sending as someone else is refused.
    const forged = await a.request(
      1003,
      encodeBase64(PbCoder.MsgData, { ...msg, sendID: "ub", clientMsgID: "c2" }),
    );
    expect(forged.errCode).toBe(1002);
    a.ws.close();
    b.ws.close();
  });
});
