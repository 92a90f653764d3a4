import { expect, test } from "vitest";
import { StatusTracker } from "./status.js";
import type { AccountStatus } from "./types.js";

test("lastError is redacted against every token the account used and cut to 500 chars", () => {
  const seen: AccountStatus[] = [];
  const status = new StatusTracker("primary", true, (s) => seen.push(s));
  status.addSecret("old-token-abcdef");
  status.addSecret("new-token-123456");
  status.update({ lastError: `login with old-token-abcdef failed; now new-token-123456 ${"x".repeat(600)}` });
  const { lastError } = status.snapshot();
  expect(lastError).not.toContain("old-token-abcdef");
  expect(lastError).not.toContain("new-token-123456");
  expect(lastError).toContain("[redacted]");
  expect(lastError!.length).toBe(500);
  expect(seen).toHaveLength(1);
});

test("activity stamps are recorded without a status event; real changes emit once", () => {
  const seen: AccountStatus[] = [];
  const status = new StatusTracker("a", true, (s) => seen.push(s));
  status.touch("lastInboundAt", 5);
  status.update({ connected: false });
  expect(seen).toHaveLength(0);
  status.update({ connected: true, auth: "ok" });
  expect(seen).toHaveLength(1);
  expect(status.snapshot()).toMatchObject({
    accountId: "a",
    configured: true,
    connected: true,
    lastInboundAt: 5,
    reconnects: 0,
  });
});
