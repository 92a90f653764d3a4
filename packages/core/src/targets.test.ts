import { describe, expect, test } from "vitest";
import {
  formatTarget,
  groupPeerId,
  groupSessionKey,
  parseGroupPeerId,
  parseTarget,
  sessionKey,
} from "./targets.js";

describe("targets", () => {
  test("parses user and group targets", () => {
    expect(parseTarget("user:bob")).toEqual({ kind: "user", id: "bob" });
    expect(parseTarget("group:g-1")).toEqual({ kind: "group", id: "g-1" });
    expect(parseTarget(" USER: alice ")).toEqual({ kind: "user", id: "alice" });
  });
  test.each(["bob", "user:", "channel:x", "user:a b", "", 42, null, undefined])("rejects %j", (input) => {
    expect(parseTarget(input)).toBeNull();
  });
  test("formats back to the same string", () => {
    expect(formatTarget(parseTarget("group:abc")!)).toBe("group:abc");
  });
});

describe("sessionKey", () => {
  test("is multi-openim:<sendID>:<accountId> lower-cased", () => {
    expect(sessionKey("UserA", "Primary")).toBe("multi-openim:usera:primary");
  });
  test("two accounts with the same peer never share a key", () => {
    expect(sessionKey("bob", "primary")).not.toBe(sessionKey("bob", "team-b"));
  });
});

describe("session keys cannot collide", () => {
  test("ordinary ids keep 0.1.0's lower-cased key", () => {
    expect(sessionKey("user_1.x@corp-a", "team-b")).toBe("multi-openim:user_1.x@corp-a:team-b");
    expect(groupSessionKey("G1", "primary")).toBe("multi-openim:group:g1:primary");
  });
  test("a userID shaped like a group never takes the group's key", () => {
    expect(sessionKey("group:g1", "primary")).not.toBe(groupSessionKey("g1", "primary"));
    expect(sessionKey("group", "primary")).not.toMatch(/^multi-openim:group:/);
    expect(sessionKey("GROUP", "primary")).not.toMatch(/^multi-openim:group:/);
  });
  test("a userID with a colon never takes another account's key", () => {
    // "u:a" on account "b" against "u" on an account "a:b" (or any other split)
    expect(sessionKey("u:a", "b")).not.toBe(sessionKey("u", "a:b"));
    expect(sessionKey("u:a", "b").split(":")).toHaveLength(3);
  });
  test("escaping is injective over awkward ids", () => {
    const ids = [
      "a",
      "a:b",
      "a%3ab",
      "%",
      "%25",
      "group",
      "%67roup",
      "g/1",
      "名前",
      "a b",
      "thread",
      "x:thread:y",
    ];
    const dm = ids.flatMap((id) => ["p", "q"].map((acc) => sessionKey(id, acc)));
    const group = ids.flatMap((id) => ["p", "q"].map((acc) => groupSessionKey(id, acc)));
    expect(new Set([...dm, ...group]).size).toBe(dm.length + group.length);
  });
  test("a group peer id reads back", () => {
    expect(parseGroupPeerId(groupPeerId("x:y%", "primary"))).toEqual({
      groupID: "x:y%",
      accountId: "primary",
    });
    expect(parseGroupPeerId("g1:primary")).toEqual({ groupID: "g1", accountId: "primary" });
    expect(parseGroupPeerId("nocolon")).toBeNull();
  });
});
