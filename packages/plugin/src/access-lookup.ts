import { type AccessPolicy, resolveAccess } from "@multi-openim/core";
import type { ChannelConfigReader } from "./config.js";

/**
 * The access policy of account `accountId` in an OpenClaw config, also for accounts that cannot run
 * (audit and `resolveDmPolicy` look at every configured account). OpenClaw may hand the id lower-cased;
 * core refuses ids that differ only in case, so matching ignoring case is unambiguous.
 */
export function accessFor(
  reader: ChannelConfigReader,
  cfg: unknown,
  accountId: string | null | undefined,
): { accountId: string; access: AccessPolicy } | undefined {
  const config = reader.read(cfg).config;
  if (!config || !accountId) return undefined;
  const wanted = accountId.toLowerCase();
  const id = Object.keys(config.accounts).find((k) => k.toLowerCase() === wanted);
  if (id === undefined) return undefined;
  return { accountId: id, access: resolveAccess(config, config.accounts[id]!) };
}
