import { accountIdProblem, CHANNEL_ID, CHANNEL_LABEL } from "@multi-openim/core";
import { answersFromPrompter, type WizardPrompterLike } from "multi-openim";
import type { ChannelConfigReader } from "./config.js";
import { flowContext, type PendingSetups, withAccount } from "./setup-adapter.js";

export interface ConfigureContext {
  cfg: unknown;
  prompter: WizardPrompterLike;
  accountOverrides?: Record<string, string | undefined>;
}

/**
 * OpenClaw's imperative setup-wizard adapter, used by the interactive `openclaw channels add` and the
 * channel step of `openclaw onboard`: the very questions of `multi-openim setup` (addresses, token,
 * connection test, tokenRefresh, friend APIs, who may talk to the bot, group mentions) on OpenClaw's
 * prompter. There is no default account: the id is always asked, or given with --account.
 */
export function createSetupWizard(deps: { reader: ChannelConfigReader; pending: PendingSetups }) {
  const askAccountId = async (ctx: ConfigureContext) =>
    ctx.accountOverrides?.[CHANNEL_ID]?.trim() ||
    (
      await ctx.prompter.text({
        message: "Account id (a short stable name, e.g. primary)",
        initialValue: "primary",
        validate: (v: string) => {
          const problem = accountIdProblem(v.trim());
          return problem ? `${problem}: use e.g. "primary" or "team-b"` : undefined;
        },
      })
    ).trim();

  const configure = async (ctx: ConfigureContext) => {
    const accountId = await askAccountId(ctx);
    const context = flowContext(ctx.cfg, deps.pending.configPath());
    const answers = await answersFromPrompter(ctx.prompter, accountId, context);
    await deps.pending.remember(accountId, answers);
    return { cfg: withAccount(ctx.cfg, accountId, answers) as never, accountId };
  };

  /** "No" to "Replace it?" is an ordinary choice: this channel is skipped, nothing is written for it. */
  const configureOrSkip = async (ctx: ConfigureContext) => {
    try {
      return await configure(ctx);
    } catch (error) {
      if ((error as { code?: string }).code !== "STOPPED") throw error;
      await ctx.prompter.note((error as Error).message.replace(/^\[multi-openim\] /, ""));
      return "skip" as const;
    }
  };

  return {
    channel: CHANNEL_ID,
    getStatus: async ({ cfg }: { cfg: unknown }) => {
      const state = deps.reader.read(cfg);
      return {
        channel: CHANNEL_ID,
        configured: state.accounts.size > 0,
        statusLines: [
          `${CHANNEL_LABEL}: ${state.accounts.size} account(s) ready, ${state.skipped.length} skipped`,
        ],
        selectionHint: "OpenIM accounts (server addresses + token)",
      };
    },
    configure,
    configureInteractive: configureOrSkip,
    configureWhenConfigured: configureOrSkip,
    afterConfigWritten: async (ctx: { accountId: string; runtime: { log: (m: string) => void } }) =>
      deps.pending.afterWrite(ctx.accountId, (line) => ctx.runtime.log(line)),
  };
}
