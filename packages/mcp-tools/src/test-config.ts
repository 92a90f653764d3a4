import { writeFile } from "node:fs/promises";

/** An unsigned JWT-shaped token with OpenIM's claims: enough for core's account resolution. */
export function fakeToken(userID: string, platformID = 5): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ UserID: userID, PlatformID: platformID, exp })}.c2lnbmF0dXJl`;
}

/** Writes an openclaw.json whose channels.multi-openim block is `channel`. */
export async function writeOpenClawConfig(file: string, channel: unknown): Promise<void> {
  await writeFile(file, JSON.stringify({ channels: { "multi-openim": channel } }, null, 2), { mode: 0o600 });
}
