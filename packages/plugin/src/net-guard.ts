import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { MultiOpenimError } from "@multi-openim/core";
import ipaddr from "ipaddr.js";

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const defaultLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = v6.range();
  if (range === "ipv4Mapped") return v6.toIPv4Address();
  const bytes = v6.toByteArray();
  if (range === "rfc6052") return new ipaddr.IPv4(bytes.slice(12, 16));
  if (range === "6to4") return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

/**
 * Only global unicast may be fetched: everything ipaddr.js names (private, loopback, link-local,
 * CGNAT, benchmarking, reserved, multicast, broadcast, site-local, teredo, …) is refused, and an IPv4
 * address embedded in IPv6 is judged as that IPv4 address.
 */
export function isBlockedAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return parsed.range() !== "unicast";
  const v6 = parsed as ipaddr.IPv6;
  const v4 = embeddedIPv4(v6);
  if (v4) return v4.range() !== "unicast";
  // Global unicast is 2000::/3; ipaddr.js calls some addresses outside it "unicast" too.
  return v6.range() !== "unicast" || !v6.match(ipaddr.IPv6.parse("2000::"), 3);
}

/** `[::1]` → `::1`; lower case; no trailing dot. */
export function normalizeHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443" };

/** `host:port` of a URL, with the scheme's default port filled in. */
export function endpointOf(url: URL): string {
  return `${normalizeHost(url.hostname)}:${url.port || DEFAULT_PORTS[url.protocol] || ""}`;
}

export interface HostPolicy {
  /**
   * `host:port` pairs of the account's own OpenIM server (apiAddr, wsAddr) and of the object storage
   * it hands out: allowed on exactly those ports, private addresses included.
   */
  trustedEndpoints: readonly string[];
  /**
   * Extra hosts from `mediaAllowHosts` ("host" for any port, "host:port" for one): public addresses
   * only, except a "host:port" on the OpenIM server's own host (its object storage), which is trusted.
   */
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
export async function checkUrl(
  url: URL,
  policy: HostPolicy,
): Promise<{ address: string; family: number; trusted: boolean }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refused(`scheme ${url.protocol} refused: only http(s) media URLs are fetched`);
  }
  const host = normalizeHost(url.hostname);
  const endpoint = endpointOf(url);
  const trustedList = policy.trustedEndpoints.map((e) => e.toLowerCase());
  const allowList = policy.allowHosts.map((h) => normalizeHost(h));
  // Another port of the OpenIM machine (e.g. its object storage, :10005) is trusted when listed as host:port.
  const ownHost = trustedList.some((e) => e.startsWith(`${host}:`));
  const trusted = trustedList.includes(endpoint) || (ownHost && allowList.includes(endpoint));
  const allowed = allowList.some((h) => h === host || h === endpoint);
  if (!trusted && !allowed) {
    throw refused(`${endpoint} is not the account's OpenIM server nor in mediaAllowHosts`);
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
    if (bad) throw refused(`host ${host} resolves to a non-public address (${bad.address})`);
  }
  const first = addresses[0] as { address: string; family: number };
  return { address: first.address, family: first.family, trusted };
}

/** The `host:port` endpoints of the account's own OpenIM server. */
export function openimEndpointsOf(account: { apiAddr: string; wsAddr: string }): string[] {
  const endpoints = new Set<string>();
  for (const addr of [account.apiAddr, account.wsAddr]) {
    try {
      endpoints.add(endpointOf(new URL(addr)));
    } catch {
      // core validated these; an unparsable one just adds nothing
    }
  }
  return [...endpoints];
}
