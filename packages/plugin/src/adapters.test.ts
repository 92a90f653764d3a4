import { describe, expect, test } from "vitest";
import { ChannelConfigReader } from "./config.js";
import { twoAccountConfig } from "./fixtures.js";
import { createGroupsAdapter } from "./groups.js";
import { createSecurityAdapter, normalizeAllowEntry } from "./security.js";

const reader = new ChannelConfigReader(() => undefined);
const security = createSecurityAdapter(reader);
const groups = createGroupsAdapter(reader);
const ctxFor = (cfg: unknown, accountId: string) => ({ cfg, accountId, account: { accountId } as never });

describe("security adapter", () => {
  test("resolveDmPolicy: pairing by default, with the account's config paths", () => {
    const cfg = twoAccountConfig(
      { dmPolicy: undefined },
      { c: { token: "x", wsAddr: "ws://h:1", apiAddr: "http://h:2", allowFrom: ["bob"] } },
    );
    expect(security.resolveDmPolicy(ctxFor(cfg, "c"))).toMatchObject({
      policy: "pairing",
      allowFrom: ["bob"],
      policyPath: "channels.multi-openim.accounts.c.dmPolicy",
      allowFromPath: "channels.multi-openim.accounts.c.allowFrom",
    });
    expect(security.resolveDmPolicy(ctxFor(cfg, "ghost"))).toBeNull();
  });
  test("audit: an open account, '*' in allowFrom and cross-account tools are flagged", () => {
    const cfg = twoAccountConfig(
      { dmPolicy: "pairing" },
      {
        a: { token: "x", wsAddr: "ws://h:1", apiAddr: "http://h:2", dmPolicy: "open" },
        b: {
          token: "x",
          wsAddr: "ws://h:1",
          apiAddr: "http://h:2",
          groupAllowFrom: ["*"],
          tools: { crossAccount: true },
        },
      },
    );
    expect(security.collectAuditFindings(ctxFor(cfg, "a")).map((f) => f.checkId)).toEqual([
      "channels.multi-openim.dm.open",
    ]);
    expect(security.collectAuditFindings(ctxFor(cfg, "b")).map((f) => f.checkId)).toEqual([
      "channels.multi-openim.allowFrom.wildcard",
      "channels.multi-openim.tools.cross_account",
    ]);
    const safe = twoAccountConfig({ dmPolicy: "pairing" });
    expect(security.collectAuditFindings(ctxFor(safe, "a"))).toEqual([]);
  });
  test("allow entries may carry the channel or user: prefix", () => {
    expect(normalizeAllowEntry(" multi-openim:user:Bob ")).toBe("Bob");
    expect(normalizeAllowEntry("user:bob")).toBe("bob");
  });
});

describe("groups adapter", () => {
  const cfg = twoAccountConfig(
    { groups: { "*": { tools: { deny: ["exec"] } } } },
    {
      a: {
        token: "x",
        wsAddr: "ws://h:1",
        apiAddr: "http://h:2",
        groups: { Board: { requireMention: false, tools: { allow: ["read"] } } },
      },
    },
  );
  test("reads the group from our peer id as OpenClaw hands it (lower-cased, account inside)", () => {
    expect(groups.resolveRequireMention({ cfg, groupId: "board:a", accountId: "a" })).toBe(false);
    expect(groups.resolveToolPolicy({ cfg, groupId: "board:a", accountId: "a" })).toEqual({
      allow: ["read"],
    });
    expect(groups.resolveToolPolicy({ cfg, groupId: "other:a" })).toEqual({ deny: ["exec"] });
    expect(groups.resolveRequireMention({ cfg, groupId: "other:b", accountId: "b" })).toBe(true);
  });
  test("a bare group id with the account beside it, and an unknown account", () => {
    expect(groups.resolveRequireMention({ cfg, groupId: "Board", accountId: "a" })).toBe(false);
    expect(groups.resolveToolPolicy({ cfg, groupId: "x:ghost" })).toBeUndefined();
  });
});
