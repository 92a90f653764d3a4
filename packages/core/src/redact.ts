export const REDACTED = "[redacted]";

const JWT_LIKE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g;

/**
 * The forms a secret takes when a server echoes it back: as sent, JSON-escaped (also with "\/"),
 * URL-encoded (upper- and lower-case hex, "+" for spaces) and form-encoded.
 */
export function secretEncodings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const url = encodeURIComponent(secret);
  const lowerHex = url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const variants = [
    secret,
    json,
    json.replaceAll("/", "\\/"),
    url,
    lowerHex,
    form,
    url.replaceAll("%20", "+"),
  ];
  return [...new Set(variants)];
}

/** Replaces every occurrence of each secret, in any encoding it is echoed in, and anything JWT-shaped, with "[redacted]". */
export function redactSecrets(text: string, secrets: Iterable<string | undefined | null> = []): string {
  let out = text;
  const list = [...secrets]
    .filter((s): s is string => typeof s === "string" && s.length >= 4)
    .flatMap(secretEncodings);
  // Longest first, so a secret that contains another is removed whole.
  list.sort((a, b) => b.length - a.length);
  for (const secret of list) out = out.split(secret).join(REDACTED);
  return redactTokensInText(out);
}

/** Masks anything that looks like a JWT, for text whose secrets are not known by value. */
export function redactTokensInText(text: string): string {
  return text.replace(JWT_LIKE, REDACTED);
}

/** Redacts first, then cuts: a secret straddling the cut must not leave its first characters behind. */
export function redactedPreview(
  text: string,
  secrets: Iterable<string | undefined | null>,
  maxChars: number,
): string {
  const clean = redactSecrets(text, secrets);
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean;
}

/** A store URL fit for logs and status: `redis://:[redacted]@host:port/db` (user and password masked). */
export function redactUrlCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    if (parsed.username) parsed.username = REDACTED;
    if (parsed.password) parsed.password = REDACTED;
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, `//${REDACTED}@`);
  }
}

/** The credentials inside a URL (user, password, decoded), to add to a redaction list. */
export function urlCredentials(url: string): string[] {
  try {
    const { username, password } = new URL(url);
    return [username, password].filter(Boolean).map((v) => decodeURIComponent(v));
  } catch {
    return [];
  }
}
