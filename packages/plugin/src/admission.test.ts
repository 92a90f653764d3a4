import { resolveAccess, type Target } from "@multi-openim/core";
import { describe, expect, test } from "vitest";
import { decideAdmission } from "./admission.js";
import { admitMessage, type PairingStoreRuntime } from "./inbound-admission.js";
import type { InboundMessage } from "./types.js";

const BOT = "bot_a";
function dm(from: string, text = "hi"): InboundMessage {
  return {
    accountId: "a",
    kind: "direct",
    conversationID: `si_${from}_${BOT}`,
    target: { kind: "user", id: from },
    sender: { userID: from },
    contentType: 101,
    text,
    mentionsSelf: false,
    mentionsAll: false,
    mentionedUserIDs: [],
    quotesSelf: false,
    media: [],
    serverTime: 1,
    clientMsgID: `c-${from}-${text}`,
    serverMsgID: "",
    seq: 1,
    fromCatchUp: false,
  };
}
function inGroup(from: string, groupID: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  return { ...dm(from), kind: "group", groupID, target: { kind: "group", id: groupID }, ...extra };
}
const decide = (m: InboundMessage, channel: object, account: object = {}, store: string[] = []) =>
  decideAdmission(m, resolveAccess(channel, account), store, BOT);

describe("decideAdmission: DMs", () => {
  test("pairing (the default): strangers pair; allowFrom and approved senders get in", () => {
    expect(decide(dm("eve"), {})).toEqual({ kind: "pair" });
    expect(decide(dm("bob"), { allowFrom: ["bob"] }).kind).toBe("admit");
    expect(decide(dm("eve"), {}, {}, ["eve"]).kind).toBe("admit");
  });
  test("allowlist answers listed senders only; the pairing store does not count", () => {
    expect(decide(dm("bob"), { dmPolicy: "allowlist", allowFrom: ["bob"] }).kind).toBe("admit");
    expect(decide(dm("eve"), { dmPolicy: "allowlist", allowFrom: ["bob"] }, {}, ["eve"])).toEqual({
      kind: "drop",
      reason: "dm-not-allowed",
    });
  });
  test("disabled answers nobody, open everybody (OpenClaw's gate gets a '*')", () => {
    expect(decide(dm("bob"), { dmPolicy: "disabled", allowFrom: ["bob"] })).toEqual({
      kind: "drop",
      reason: "dm-disabled",
    });
    const open = decide(dm("eve"), { dmPolicy: "open" });
    expect(open).toMatchObject({ kind: "admit", ingress: { dmPolicy: "open", allowFrom: ["*"] } });
  });
  test("0.1.0's inboundWhitelist: only listed senders, no pairing code for the rest", () => {
    expect(decide(dm("alice"), {}, { inboundWhitelist: ["alice"] }).kind).toBe("admit");
    expect(decide(dm("eve"), {}, { inboundWhitelist: ["alice"] })).toEqual({
      kind: "drop",
      reason: "dm-not-allowed",
    });
  });
  test("the account overrides the channel", () => {
    expect(decide(dm("eve"), { dmPolicy: "open" }, { dmPolicy: "pairing" })).toEqual({ kind: "pair" });
  });
});

describe("decideAdmission: groups", () => {
  test("open with requireMention (the default): a mention, @all or a quote of the bot gets in", () => {
    expect(decide(inGroup("eve", "g"), {})).toEqual({ kind: "drop", reason: "no-mention" });
    expect(decide(inGroup("eve", "g", { mentionsSelf: true }), {}).kind).toBe("admit");
    expect(decide(inGroup("eve", "g", { mentionsAll: true }), {}).kind).toBe("admit");
    const quote = { senderID: BOT, text: "earlier answer" };
    expect(decide(inGroup("eve", "g", { quote }), {}).kind).toBe("admit");
    expect(decide(inGroup("eve", "g", { quote: { ...quote, senderID: "bob" } }), {}).kind).toBe("drop");
  });
  test("per-group requireMention false answers without a mention in that group only", () => {
    const groups = { chatty: { requireMention: false } };
    expect(decide(inGroup("eve", "chatty"), { groups })).toMatchObject({
      kind: "admit",
      requireMention: false,
    });
    expect(decide(inGroup("eve", "other"), { groups })).toEqual({ kind: "drop", reason: "no-mention" });
  });
  test("enabled false silences one group; groupPolicy disabled all", () => {
    const m = { mentionsSelf: true };
    expect(decide(inGroup("bob", "quiet", m), {}, { groups: { quiet: { enabled: false } } })).toEqual({
      kind: "drop",
      reason: "group-disabled",
    });
    expect(decide(inGroup("bob", "g", m), { groupPolicy: "disabled" })).toEqual({
      kind: "drop",
      reason: "group-policy-disabled",
    });
  });
  test("groupAllowFrom filters senders under allowlist; OpenClaw's gate gets the same list", () => {
    const channel = { groupPolicy: "allowlist", groupAllowFrom: ["bob"] };
    const m = { mentionsSelf: true };
    expect(decide(inGroup("eve", "g", m), channel)).toEqual({
      kind: "drop",
      reason: "group-sender-not-allowed",
    });
    expect(decide(inGroup("bob", "g", m), channel)).toMatchObject({
      kind: "admit",
      ingress: { groupPolicy: "allowlist", groupAllowFrom: ["bob"] },
    });
  });
  test("inboundWhitelist applies in groups too, as in 0.1.0", () => {
    const m = { mentionsSelf: true };
    expect(decide(inGroup("eve", "g", m), {}, { inboundWhitelist: ["alice"] }).kind).toBe("drop");
    expect(decide(inGroup("alice", "g", m), {}, { inboundWhitelist: ["alice"] }).kind).toBe("admit");
  });
  test("a group message never pairs", () => {
    expect(decide(inGroup("eve", "g", { mentionsSelf: true }), { groupPolicy: "allowlist" }).kind).toBe(
      "drop",
    );
  });
});

/** OpenClaw's pairing store reduced to memory: codes per sender, approvals as a list. */
function memoryPairing() {
  const requests = new Map<string, string>();
  const approved: string[] = [];
  const pairing: PairingStoreRuntime = {
    readAllowFromStore: async () => [...approved],
    upsertPairingRequest: async ({ id }) => {
      const existing = requests.get(id);
      if (existing) return { code: existing, created: false };
      const code = `CODE${requests.size + 1}`;
      requests.set(id, code);
      return { code, created: true };
    },
  };
  return { pairing, requests, approved };
}

describe("admitMessage: pairing through OpenClaw's store", () => {
  const account = (access = resolveAccess({}, {})) => ({
    accountId: "a",
    enabled: true as const,
    token: "t",
    wsAddr: "ws://x",
    apiAddr: "http://x",
    userID: BOT,
    platformID: 5,
    requireMention: true,
    inboundWhitelist: [],
    disableFriendSdk: true,
    access,
  });
  const log = { info: () => {}, warn: () => {}, error: () => {} };

  test("a stranger gets exactly one reply with a code; after approval the next DM is admitted", async () => {
    const store = memoryPairing();
    const sent: { to: string; text: string }[] = [];
    const client = {
      sendText: async (to: string | Target, text: string) => {
        sent.push({ to: typeof to === "string" ? to : to.id, text });
        return {} as never;
      },
    };
    const ctx = { account: account(), client, runtime: { pairing: store.pairing }, log };
    expect(await admitMessage(ctx, dm("eve", "1"))).toEqual({ admit: false, reason: "pairing-requested" });
    expect(await admitMessage(ctx, dm("eve", "2"))).toEqual({ admit: false, reason: "pairing-pending" });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe("eve");
    expect(sent[0]!.text).toContain("CODE1");
    expect(sent[0]!.text).toContain("openclaw pairing approve multi-openim CODE1");
    store.approved.push("eve");
    const admitted = await admitMessage(ctx, dm("eve", "3"));
    expect(admitted).toMatchObject({ admit: true, ingress: { dmPolicy: "pairing" } });
    if (admitted.admit) expect(await admitted.ingress.readStoreAllowFrom()).toEqual(["eve"]);
    expect(sent).toHaveLength(1);
  });

  test("no pairing store in the runtime: the DM is dropped, never let through", async () => {
    const client = { sendText: async () => ({}) as never };
    const result = await admitMessage({ account: account(), client, runtime: {}, log }, dm("eve"));
    expect(result).toEqual({ admit: false, reason: "pairing-unavailable" });
  });
});
