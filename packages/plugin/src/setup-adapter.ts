import { readFile } from "node:fs/promises";
import { CHANNEL_ID, MultiOpenimError, resolveOpenClawConfigPath } from "@multi-openim/core";
import {
  type AccountAnswers,
  answersBlock,
  answersFromFlags,
  type FlowContext,
  nextSteps,
} from "multi-openim";
import { defineChannelSetupContract } from "openclaw/plugin-sdk/channel-setup";
import { channelBlockOf } from "./config.js";
import { restoreCommentsAtExit, restoreJson5Comments } from "./config-comments.js";
import { SETUP_FIELDS, type SetupFieldInput } from "./setup-fields.js";

type Json = Record<string, unknown>;

/** The answers of one `channels add` run, between OpenClaw's prepare, apply and after-write steps. */
export class PendingSetups {
  private readonly byAccount = new Map<string, { answers: AccountAnswers; originalText?: string }>();

  constructor(readonly env: NodeJS.ProcessEnv = process.env) {}

  configPath(): string {
    return resolveOpenClawConfigPath(this.env);
  }

  /**
   * The config's text before OpenClaw rewrites it, to put its comments back afterwards: in the
   * after-write hook, and at exit too (OpenClaw 2026.9.6 did not always run the wizard's after-write
   * hook of `channels add` in a terminal; a restore that already happened makes that one a no-op).
   */
  async remember(accountId: string, answers: AccountAnswers): Promise<void> {
    restoreCommentsAtExit(this.env);
    const originalText = await readFile(this.configPath(), "utf8").catch(() => undefined);
    this.byAccount.set(accountId, { answers, ...(originalText !== undefined ? { originalText } : {}) });
  }

  get(accountId: string) {
    return this.byAccount.get(accountId);
  }

  /** After OpenClaw wrote the file: comments back, and what happens next. */
  async afterWrite(accountId: string, log: (line: string) => void): Promise<void> {
    const entry = this.byAccount.get(accountId);
    this.byAccount.delete(accountId);
    if (entry?.originalText && (await restoreJson5Comments(this.configPath(), entry.originalText)))
      log(`[multi-openim] kept the comments and layout of ${this.configPath()}`);
    log(nextSteps(accountId));
  }
}

export function flowContext(cfg: unknown, configPath: string): FlowContext {
  const block = channelBlockOf(cfg) as Json | undefined;
  return { configPath, accounts: (block?.accounts as Json | undefined) ?? {}, channel: block };
}

/** The config with this account (and a tokenRefresh block, when one was given) set; nothing else touched. */
export function withAccount(cfg: unknown, accountId: string, answers: AccountAnswers): Json {
  const next = structuredClone((cfg ?? {}) as Json);
  next.channels ??= {};
  const channels = next.channels as Json;
  channels[CHANNEL_ID] ??= {};
  const block = channels[CHANNEL_ID] as Json;
  block.accounts ??= {};
  const accounts = block.accounts as Json;
  accounts[accountId] = answersBlock(answers.fields);
  if (answers.tokenRefresh) block.tokenRefresh = answers.tokenRefresh;
  return next;
}

const processIo = () => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});

/**
 * `openclaw channels add --channel multi-openim --account X --ws … --api … --token-file …`: OpenClaw parses
 * the flags with this contract, then the CLI's own checks and connection test run (the same code as
 * `multi-openim setup --non-interactive`) before OpenClaw writes the account.
 */
/** Typed `object`: the contract type lives in an internal OpenClaw chunk. */
export function createSetupContract(pending: PendingSetups): object {
  return defineChannelSetupContract({
    fields: SETUP_FIELDS,
    adapter: {
      resolveAccountId: ({ accountId }: { accountId?: string }) => accountId ?? "",
      prepareAccountConfigInput: async ({
        cfg,
        accountId,
        input,
      }: {
        cfg: unknown;
        accountId: string;
        input: SetupFieldInput;
      }) => {
        if (!accountId)
          throw new MultiOpenimError(
            "CLI_USAGE",
            "[multi-openim] pass --account <id>: there is no default account",
          );
        const { name: _name, ...flags } = input;
        const answers = await answersFromFlags(
          { ...flags, account: accountId, nonInteractive: true },
          flowContext(cfg, pending.configPath()),
          processIo(),
        );
        await pending.remember(accountId, answers);
        return input;
      },
      applyAccountConfig: ({ cfg, accountId }: { cfg: unknown; accountId: string }) => {
        const entry = pending.get(accountId);
        if (!entry)
          throw new MultiOpenimError(
            "CLI_USAGE",
            `[multi-openim] account "${accountId}" was not prepared; run the command again`,
          );
        return withAccount(cfg, accountId, entry.answers) as never;
      },
      afterAccountConfigWritten: async ({
        accountId,
        runtime,
      }: {
        accountId: string;
        runtime: { log: (m: string) => void };
      }) => pending.afterWrite(accountId, (line) => runtime.log(line)),
    },
  } as never);
}
