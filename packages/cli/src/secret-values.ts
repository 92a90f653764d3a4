import { CHANNEL_ID } from "@multi-openim/core";
import JSON5 from "json5";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, out);
  else if (isObject(value)) for (const item of Object.values(value)) stringLeaves(item, out);
  return out;
}

/** Query values, user name and password of a URL-shaped string: credentials, whoever wrote them. */
export function urlSecrets(text: string): string[] {
  if (!URL.canParse(text)) return [];
  const url = new URL(text);
  const out = [...url.searchParams.values()];
  if (url.username) out.push(decodeURIComponent(url.username));
  if (url.password) out.push(decodeURIComponent(url.password));
  return out;
}

/**
 * Every value of a channel block that must not be printed: account tokens, every tokenRefresh header
 * and body value, and every URL query value (the refresh endpoint's, or a token pasted into wsAddr's).
 */
export function channelSecrets(channel: unknown): string[] {
  if (!isObject(channel)) return [];
  const out: string[] = [];
  for (const account of Object.values(isObject(channel.accounts) ? channel.accounts : {})) {
    if (isObject(account) && typeof account.token === "string") out.push(account.token);
  }
  const http = isObject(channel.tokenRefresh) ? channel.tokenRefresh.http : undefined;
  if (isObject(http)) {
    out.push(...stringLeaves(http.headers), ...stringLeaves(http.body));
  }
  for (const leaf of stringLeaves(channel)) out.push(...urlSecrets(leaf));
  return out.filter((s) => s.length >= 4);
}

/** channelSecrets of a config file's text; nothing when the text does not parse. */
export function configTextSecrets(text: string): string[] {
  try {
    const data = JSON5.parse(text) as Json;
    return channelSecrets(isObject(data?.channels) ? data.channels[CHANNEL_ID] : undefined);
  } catch {
    return [];
  }
}

/** Every string value of the channel block: what a message about the config must not quote back. */
export function channelValues(channel: unknown): string[] {
  return stringLeaves(channel).filter((s) => s.length >= 8);
}
