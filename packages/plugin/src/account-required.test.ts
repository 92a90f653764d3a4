import { expect, test } from "vitest";
import { twoAccountConfig } from "./fixtures.js";
import { pluginWithDoubles } from "./test-doubles.js";

// `openclaw message send` without --account: OpenClaw prints String(resolveTarget's error) to the user.
test("a send without --account names the accounts to pass, without the error's class name", async () => {
  const { plugin } = pluginWithDoubles({});
  const out = plugin.channel.outbound;
  const refused = out.resolveTarget({ to: "user:bob", cfg: twoAccountConfig() });
  expect(refused.ok).toBe(false);
  const printed = String(!refused.ok && refused.error);
  expect(printed).toBe('accountId is required (no default fallback): pass --account one of "a", "b"');
  expect(printed).not.toContain("MultiOpenimError");
  expect(!refused.ok && (refused.error as Error & { code?: string }).code).toBe("ACCOUNT_UNKNOWN");

  const none = out.resolveTarget({ to: "user:bob", cfg: {} });
  expect(String(!none.ok && none.error)).toBe(
    "accountId is required (no default fallback): no multi-openim account is configured yet: add one with `openclaw multi-openim setup`",
  );
  await expect(out.sendText({ to: "user:bob", text: "hi" })).rejects.toThrow(
    "accountId is required (no default fallback): ",
  );
});
