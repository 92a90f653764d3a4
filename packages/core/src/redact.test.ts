import { expect, test } from "vitest";
import { redactSecrets, redactTokensInText } from "./redact.js";
import { fakeJwt } from "./test-jwt.js";

test("removes every occurrence of each secret", () => {
  const out = redactSecrets("a=s3cret-refresh b=s3cret-refresh c=other", ["s3cret-refresh", undefined, null]);
  expect(out).toBe("a=[redacted] b=[redacted] c=other");
});

test("masks anything shaped like a JWT even when not listed", () => {
  const token = fakeJwt({ UserID: "bot", exp: 1 });
  expect(redactTokensInText(`login failed for ${token}.`)).toBe("login failed for [redacted].");
  expect(redactSecrets(`x ${token}`)).not.toContain(token);
});

test("a secret that contains another is removed whole", () => {
  expect(redactSecrets("tok=abcdefgh", ["abcd", "abcdefgh"])).toBe("tok=[redacted]");
});
