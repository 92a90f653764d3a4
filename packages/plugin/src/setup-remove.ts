import { CHANNEL_ID } from "@multi-openim/core";
import { restoreCommentsAtExit } from "./config-comments.js";

type Json = Record<string, unknown>;

function accountsOf(cfg: Json): Json | undefined {
  const block = (cfg.channels as Json | undefined)?.[CHANNEL_ID] as Json | undefined;
  return block?.accounts as Json | undefined;
}

/**
 * `openclaw channels remove --channel multi-openim --account X` (disable) and `--delete`: only that
 * account's entry changes; the gateway's config watcher then stops only that account. OpenClaw writes
 * the result as plain JSON with no hook after the write: the file's JSON5 comments come back at exit.
 */
export const removeAdapters = {
  setAccountEnabled: ({ cfg, accountId, enabled }: { cfg: unknown; accountId: string; enabled: boolean }) => {
    const next = structuredClone(cfg as Json);
    const account = accountsOf(next)?.[accountId] as Json | undefined;
    if (account) {
      account.enabled = enabled;
      restoreCommentsAtExit();
    }
    return next as never;
  },
  deleteAccount: ({ cfg, accountId }: { cfg: unknown; accountId: string }) => {
    const next = structuredClone(cfg as Json);
    const accounts = accountsOf(next);
    if (accounts && accountId in accounts) {
      delete accounts[accountId];
      restoreCommentsAtExit();
    }
    return next as never;
  },
};
