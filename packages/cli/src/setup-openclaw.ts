import { type AccountFields, accountBlock } from "./account-fields.js";
import type { ConnectionAccount, ConnectionTestOptions } from "./connection-types.js";
import type { CliIo } from "./io.js";
import { prompterUi, type WizardPrompterLike } from "./prompter-ui.js";
import type { SetupFlags } from "./setup-flags.js";
import { type AccountAnswers, type FlowContext, gatherAccount } from "./setup-flow.js";
import { assertComplete, assertGivenValid } from "./setup-gather.js";
import { collectSetupInput } from "./setup-input.js";
import { plainUi } from "./ui.js";

/** The real login test, loaded only when a setup really connects (it pulls in the OpenIM SDK). */
export async function realTestConnection(account: ConnectionAccount, options?: ConnectionTestOptions) {
  const { testConnection } = await import("./connection.js");
  return testConnection(account, options);
}

/**
 * `openclaw channels add --channel multi-openim --token … --ws … --api …`: the flags checked and the
 * connection tested exactly as `multi-openim setup --non-interactive` does, lines on the given streams.
 */
export async function answersFromFlags(
  flags: SetupFlags,
  ctx: FlowContext,
  io: CliIo,
): Promise<AccountAnswers> {
  const input = await collectSetupInput(flags, io);
  assertGivenValid(input);
  assertComplete(input);
  const run = {
    ...ctx,
    force: true,
    ...(flags.skipTest ? { skipTest: true } : {}),
    ...(flags.testTimeoutMs ? { testTimeoutMs: flags.testTimeoutMs } : {}),
  };
  return gatherAccount(plainUi(io), input, run, realTestConnection);
}

/** `openclaw channels add` (interactive) and `openclaw onboard`: the same questions on OpenClaw's prompter. */
export async function answersFromPrompter(
  prompter: WizardPrompterLike,
  accountId: string,
  ctx: FlowContext,
): Promise<AccountAnswers> {
  return gatherAccount(prompterUi(prompter), { accountId, fields: {} }, ctx, realTestConnection);
}

/** The account block the answers write (same keys and order as `multi-openim setup`). */
export function answersBlock(fields: AccountFields): Record<string, unknown> {
  return accountBlock(fields);
}
