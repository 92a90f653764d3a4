export const REDACTED = "[redacted]";

const JWT_LIKE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g;

/** Replaces every occurrence of each secret (and anything shaped like a JWT) with "[redacted]". */
export function redactSecrets(text: string, secrets: Iterable<string | undefined | null> = []): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  const list = [...secrets].filter((s): s is string => typeof s === "string" && s.length >= 4);
  list.sort((a, b) => b.length - a.length);
  for (const secret of list) out = out.split(secret).join(REDACTED);
  return redactTokensInText(out);
}

/** Masks anything that looks like a JWT, for text whose secrets are not known by value. */
export function redactTokensInText(text: string): string {
  return text.replace(JWT_LIKE, REDACTED);
}
