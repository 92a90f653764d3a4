import { CHANNEL_ID, patchAccountToken, resolveOpenClawConfigPath } from "@multi-openim/core";
import type { Logger } from "./types.js";

/** `api.runtime.config.mutateConfigFile` as far as this plugin uses it. */
export type MutateConfigFile = (params: {
  mutate: (draft: Record<string, unknown>) => void;
  afterWrite: { mode: "none"; reason: string };
}) => Promise<unknown>;

export interface PersistTokenOptions {
  mutateConfigFile?: MutateConfigFile | undefined;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}

/**
 * Saves a refreshed token to `channels.multi-openim.accounts.<id>.token` so it survives a restart.
 * Inside the gateway it goes through OpenClaw's config writer with `afterWrite: none`: the write must
 * not trigger a config reload, or every refresh would restart accounts (a reload storm). Outside a
 * gateway (or on an OpenClaw without the writer) core's JSON5 patch edits the file in place.
 */
export function createPersistToken(options: PersistTokenOptions) {
  return async (accountId: string, token: string, userID?: string): Promise<void> => {
    if (options.mutateConfigFile) {
      await options.mutateConfigFile({
        mutate: (draft) => {
          const channels = (draft.channels ?? {}) as Record<string, Record<string, unknown>>;
          const block = channels[CHANNEL_ID];
          const accounts = block?.accounts as Record<string, Record<string, unknown>> | undefined;
          const account = accounts && Object.hasOwn(accounts, accountId) ? accounts[accountId] : undefined;
          // Never invent an account: a removed one stays removed.
          if (!account) return;
          account.token = token;
          if (userID && account.userID !== undefined) account.userID = userID;
        },
        afterWrite: { mode: "none", reason: `multi-openim: refreshed token of account ${accountId}` },
      });
      options.log.info(
        `[multi-openim] ${accountId}: refreshed token saved to the OpenClaw config (no reload)`,
      );
      return;
    }
    const path = resolveOpenClawConfigPath(options.env ?? process.env);
    const { warnings } = await patchAccountToken(path, accountId, token, userID);
    for (const warning of warnings) options.log.warn(`[multi-openim] ${warning}`);
    options.log.info(`[multi-openim] ${accountId}: refreshed token saved to ${path}`);
  };
}
