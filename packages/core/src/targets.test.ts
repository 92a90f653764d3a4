import { describe, expect, test } from "vitest";
import { formatTarget, parseTarget, sessionKey } from "./targets.js";

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
