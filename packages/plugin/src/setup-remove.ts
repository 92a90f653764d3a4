import { CHANNEL_ID } from "@multi-openim/core";

type Json = Record<string, unknown>;

function accountsOf(cfg: Json): Json | undefined {
  const block = (cfg.channels as Json | undefined)?.[CHANNEL_ID] as Json | undefined;
  return block?.accounts as Json | undefined;
}

/**
 * `openclaw channels remove --channel multi-openim --account X` (disable) and `--delete`: only that
 * account's entry changes; the gateway's config watcher then stops only that account.
 */
export const removeAdapters = {
  setAccountEnabled: ({ cfg, accountId, enabled }: { cfg: unknown; accountId: string; enabled: boolean }) => {
    const next = structuredClone(cfg as Json);
    const account = accountsOf(next)?.[accountId] as Json | undefined;
    if (account) account.enabled = enabled;
    return next as never;
  },
  deleteAccount: ({ cfg, accountId }: { cfg: unknown; accountId: string }) => {
    const next = structuredClone(cfg as Json);
    const accounts = accountsOf(next);
    if (accounts) delete accounts[accountId];
    return next as never;
  },
};
