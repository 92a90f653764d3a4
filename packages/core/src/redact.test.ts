import { expect, test } from "vitest";
import { redactedPreview, redactSecrets, redactTokensInText } from "./redact.js";
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

test("a secret echoed JSON-escaped, with \\/ or URL-encoded is redacted too", () => {
  const secret = 'rt/a+b c"d=e&f';
  const echoes = [
    JSON.stringify({ rt: secret }),
    JSON.stringify({ rt: secret }).replaceAll("/", "\\/"),
    `GET /refresh?rt=${encodeURIComponent(secret)}`,
    `GET /refresh?${new URLSearchParams({ rt: secret })}`,
    `rt=${encodeURIComponent(secret).toLowerCase()}`,
  ];
  for (const echo of echoes) {
    const out = redactSecrets(echo, [secret]);
    expect(out, echo).toContain("[redacted]");
    for (const piece of ["rt/a", "rt\\/a", "rt%2Fa", "rt%2fa", "b c", "b+c", "b%20c"]) {
      expect(out, echo).not.toContain(piece);
    }
  }
});

test("a preview is cut after redaction, so a secret straddling the cut leaves nothing behind", () => {
  const secret = "S3CRET-REFRESH-TOKEN-0123456789";
  const text = `${"x".repeat(290)}${secret}${"y".repeat(100)}`;
  const preview = redactedPreview(text, [secret], 300);
  expect(preview).not.toContain("S3CRET");
  expect(preview.length).toBeLessThanOrEqual(301);
});

test("store URLs lose their credentials for display; the credentials are listed for redaction", async () => {
  const { redactUrlCredentials, urlCredentials } = await import("./redact.js");
  const shown = redactUrlCredentials("redis://:p%40ss@127.0.0.1:6379/2");
  expect(shown).not.toContain("p%40ss");
  expect(shown).toMatch(/^redis:\/\/:.*redacted.*@127\.0\.0\.1:6379\/2$/);
  expect(redactUrlCredentials("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  expect(urlCredentials("redis://user:p%40ss@h:1")).toEqual(["user", "p@ss"]);
});
