import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { MultiOpenimError } from "@multi-openim/core";

/**
 * Addresses inbound media may never be fetched from (cloud metadata, loopback, private LANs),
 * unless the host is the account's own configured OpenIM server (which is often on a private network).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
blocked.addAddress("::", "ipv6");
blocked.addAddress("::1", "ipv6");
blocked.addSubnet("fc00::", 7, "ipv6");
blocked.addSubnet("fe80::", 10, "ipv6");

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const defaultLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) return blocked.check(address, "ipv6");
  return true;
}

/** `[::1]` → `::1`; lower case; no trailing dot. */
export function normalizeHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

export interface HostPolicy {
  /** The account's own OpenIM hosts (from apiAddr / wsAddr): allowed, private addresses included. */
  trustedHosts: readonly string[];
  /** Extra hosts from `mediaAllowHosts`: allowed, but only on public addresses. */
  allowHosts: readonly string[];
  lookup?: LookupAll;
}

function refused(reason: string): MultiOpenimError {
  return new MultiOpenimError("MEDIA_REFUSED", `[media] ${reason}`);
}

/**
 * Checks one URL (each redirect hop is checked again) and returns the address to connect to, so the
 * connection goes to exactly the address that was checked (no DNS rebinding between check and use).
 */
export async function checkUrl(url: URL, policy: HostPolicy): Promise<{ address: string; family: number }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refused(`scheme ${url.protocol} refused: only http(s) media URLs are fetched`);
  }
  const host = normalizeHost(url.hostname);
  const trusted = policy.trustedHosts.map(normalizeHost).includes(host);
  if (!trusted && !policy.allowHosts.map(normalizeHost).includes(host)) {
    throw refused(`host ${host} is not the account's OpenIM host nor in mediaAllowHosts`);
  }
  const family = isIP(host);
  const addresses = family
    ? [{ address: host, family }]
    : await (policy.lookup ?? defaultLookup)(host).catch((error: unknown) => {
        throw refused(`cannot resolve ${host}: ${error instanceof Error ? error.message : String(error)}`);
      });
  if (addresses.length === 0) throw refused(`cannot resolve ${host}`);
  if (!trusted) {
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) throw refused(`host ${host} resolves to a private/loopback/link-local address (${bad.address})`);
  }
  return addresses[0] as { address: string; family: number };
}

/** The hostnames of the account's own OpenIM server. */
export function openimHostsOf(account: { apiAddr: string; wsAddr: string }): string[] {
  const hosts = new Set<string>();
  for (const addr of [account.apiAddr, account.wsAddr]) {
    try {
      hosts.add(normalizeHost(new URL(addr).hostname));
    } catch {
      // core validated these; an unparsable one just adds nothing
    }
  }
  return [...hosts];
}
