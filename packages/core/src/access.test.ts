import { describe, expect, test } from "vitest";
import { resolveAccounts } from "./accounts.js";
import { fakeJwt } from "./test-jwt.js";
import { validateChannelConfig } from "./validate.js";

const account = {
  token: fakeJwt({ UserID: "bot" }),
  wsAddr: "ws://127.0.0.1:1",
  apiAddr: "http://127.0.0.1:2",
};

/** The access policy of account "a" in a channel block, through validation and resolution as the plugin does. */
function accessOf(block: Record<string, unknown>, fields: Record<string, unknown> = {}) {
  const { config, errors } = validateChannelConfig({ ...block, accounts: { a: { ...account, ...fields } } });
  expect(errors).toEqual([]);
  return resolveAccounts(config!).accounts[0]!.access!;
}

describe("resolveAccess: DMs", () => {
  test("nothing set: pairing, groups open with requireMention", () => {
    expect(accessOf({})).toMatchObject({
      dmPolicy: "pairing",
      allowFrom: [],
      groupPolicy: "open",
      crossAccountTools: false,
    });
  });
  test("the channel level is the default of every account", () => {
    expect(accessOf({ dmPolicy: "open", allowFrom: ["x"] })).toMatchObject({
      dmPolicy: "open",
      allowFrom: ["x"],
    });
  });
  test("an account's own field overrides the channel's", () => {
    expect(accessOf({ dmPolicy: "open" }, { dmPolicy: "disabled", allowFrom: ["y"] })).toMatchObject({
      dmPolicy: "disabled",
      allowFrom: ["y"],
    });
  });
  test("0.1.0's non-empty inboundWhitelist is an allowlist for DMs and groups, even under an open channel", () => {
    expect(accessOf({ dmPolicy: "open" }, { inboundWhitelist: ["alice"] })).toMatchObject({
      dmPolicy: "allowlist",
      allowFrom: ["alice"],
      groupPolicy: "allowlist",
      groupAllowFrom: ["alice"],
    });
  });
  test("an empty inboundWhitelist (0.1.0's default) changes nothing: pairing", () => {
    expect(accessOf({}, { inboundWhitelist: [] }).dmPolicy).toBe("pairing");
  });
  test("crossAccount: channel default, account override", () => {
    expect(accessOf({ tools: { crossAccount: true } }).crossAccountTools).toBe(true);
    expect(
      accessOf({ tools: { crossAccount: true } }, { tools: { crossAccount: false } }).crossAccountTools,
    ).toBe(false);
  });
});

describe("resolveGroupAccess", () => {
  test("requireMention: account-wide, '*', per group; account layers before channel layers", async () => {
    const { resolveGroupAccess } = await import("./access.js");
    const access = accessOf(
      { groups: { "*": { requireMention: false }, g2: { requireMention: true } } },
      { requireMention: true, groups: { g1: { requireMention: false } } },
    );
    expect(resolveGroupAccess(access, "g1").requireMention).toBe(false);
    expect(resolveGroupAccess(access, "g2").requireMention).toBe(true);
    // the account's own requireMention beats the channel's "*"
    expect(resolveGroupAccess(access, "other").requireMention).toBe(true);
    expect(
      resolveGroupAccess(accessOf({ groups: { "*": { requireMention: false } } }), "x").requireMention,
    ).toBe(false);
  });
  test("enabled false silences one group; groupPolicy disabled silences all", async () => {
    const { resolveGroupAccess } = await import("./access.js");
    const access = accessOf({}, { groups: { quiet: { enabled: false } } });
    expect(resolveGroupAccess(access, "quiet").enabled).toBe(false);
    expect(resolveGroupAccess(access, "loud").enabled).toBe(true);
    expect(resolveGroupAccess(accessOf({ groupPolicy: "disabled" }), "loud").enabled).toBe(false);
  });
  test("senders: open has no list, allowlist uses groupAllowFrom (else allowFrom), per-group allowFrom wins", async () => {
    const { resolveGroupAccess } = await import("./access.js");
    expect(resolveGroupAccess(accessOf({}), "g").allowFrom).toBeUndefined();
    expect(
      resolveGroupAccess(accessOf({ groupPolicy: "allowlist", allowFrom: ["a"] }), "g").allowFrom,
    ).toEqual(["a"]);
    const access = accessOf(
      { groupPolicy: "allowlist", groupAllowFrom: ["b"] },
      { groups: { vip: { allowFrom: ["c"] } } },
    );
    expect(resolveGroupAccess(access, "g").allowFrom).toEqual(["b"]);
    expect(resolveGroupAccess(access, "vip").allowFrom).toEqual(["c"]);
  });
  test("tools policy per group, found ignoring case (OpenClaw lower-cases session keys)", async () => {
    const { resolveGroupAccess } = await import("./access.js");
    const access = accessOf({
      groups: { Board: { tools: { deny: ["exec"] } }, "*": { tools: { allow: ["read"] } } },
    });
    expect(resolveGroupAccess(access, "board").tools).toEqual({ deny: ["exec"] });
    expect(resolveGroupAccess(access, "other").tools).toEqual({ allow: ["read"] });
  });
});

describe("validation of the access fields", () => {
  test.each([
    [
      { dmPolicy: "everyone" },
      "channels.multi-openim.accounts.a.dmPolicy",
      /pairing, allowlist, open, disabled/,
    ],
    [{ groupPolicy: "pairing" }, "channels.multi-openim.accounts.a.groupPolicy", /open, allowlist, disabled/],
    [{ allowFrom: "alice" }, "channels.multi-openim.accounts.a.allowFrom", /array/],
    [{ groups: { g: { mention: true } } }, "channels.multi-openim.accounts.a.groups.g", /unknown key/],
    [
      { groups: { g: { tools: { allow: ["a"], alsoAllow: ["b"] } } } },
      "channels.multi-openim.accounts.a.groups.g.tools",
      /either allow or alsoAllow/,
    ],
    [{ tools: { crossAccount: "yes" } }, "channels.multi-openim.accounts.a.tools.crossAccount", /boolean/],
  ])("%j is refused naming the field", (fields, path, message) => {
    const { errors } = validateChannelConfig({ accounts: { a: { ...account, ...fields } } });
    expect(errors).toEqual([{ path, message: expect.stringMatching(message) }]);
  });
  test("a channel-level bad policy makes the block unusable, naming the field", () => {
    const { config, errors } = validateChannelConfig({ dmPolicy: "nobody", accounts: { a: account } });
    expect(config).toBeNull();
    expect(errors[0]?.path).toBe("channels.multi-openim.dmPolicy");
  });
  test("allowlist with nobody on it is a warning", () => {
    const { warnings } = validateChannelConfig({ accounts: { a: { ...account, dmPolicy: "allowlist" } } });
    expect(warnings.map((w) => w.path)).toContain("channels.multi-openim.accounts.a.allowFrom");
  });
  test("two account ids differing only in case are refused (OpenClaw lower-cases them)", () => {
    const { config, errors } = validateChannelConfig({ accounts: { Sales: account, sales: account } });
    expect(Object.keys(config!.accounts)).toEqual(["Sales"]);
    expect(errors[0]?.message).toMatch(/only in letter case/);
  });
});
