import { CHANNEL_ID, isMultiOpenimError, MultiOpenimError, patchJson5File } from "@multi-openim/core";
import { accountBlock } from "./account-fields.js";
import { clackUi } from "./clack-ui.js";
import {
  configPathFrom,
  existingAccounts,
  knownTokens,
  type LoadedConfig,
  loadConfig,
} from "./config-file.js";
import type { ConnectionTester } from "./connection-types.js";
import { EXIT_OK } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { type ConfigPatch, previewPatches, renderDiff } from "./preview.js";
import type { RefreshBlock } from "./refresh-input.js";
import type { SetupFlags } from "./setup-flags.js";
import { gatherAccount, nextSteps, stopped } from "./setup-flow.js";
import { assertComplete, assertGivenValid } from "./setup-gather.js";
import { collectSetupInput } from "./setup-input.js";
import { plainUi, type SetupUi } from "./ui.js";

export interface SetupDeps {
  testConnection: ConnectionTester;
}

/** Header values that carry credentials are masked in the diff like tokens. */
function refreshSecrets(block: RefreshBlock | undefined): string[] {
  const headers = (block?.http?.headers ?? {}) as Record<string, unknown>;
  return Object.entries(headers)
    .filter(([name, value]) => /auth|token|secret|key|cookie/i.test(name) && typeof value === "string")
    .map(([, value]) => value as string);
}

/** `multi-openim setup`: gather, check, test, show the diff, write one account (and tokenRefresh), say what next. */
export async function runSetup(flags: SetupFlags, io: CliIo, deps: SetupDeps): Promise<number> {
  const interactive = !flags.nonInteractive && io.stdin.isTTY === true;
  const input = await collectSetupInput(flags, io);
  assertGivenValid(input);
  if (!interactive) assertComplete(input);
  const config = await loadConfig(configPathFrom(flags.config, io.env));
  const ui = interactive ? clackUi(io) : plainUi(io);
  if (interactive)
    ui.info(`multi-openim setup — config: ${config.path}${config.exists ? "" : " (will be created)"}`);

  const { accountId, fields, resolved, tokenRefresh } = await gatherAccount(
    ui,
    input,
    {
      configPath: config.path,
      accounts: existingAccounts(config),
      channel: config.channel,
      ...(flags.force ? { force: true } : {}),
      ...(flags.skipTest ? { skipTest: true } : {}),
      ...(flags.testTimeoutMs ? { testTimeoutMs: flags.testTimeoutMs } : {}),
    },
    deps.testConnection,
  );

  const patches: ConfigPatch[] = [
    { keyPath: ["channels", CHANNEL_ID, "accounts", accountId], value: accountBlock(fields) },
  ];
  if (tokenRefresh) patches.push({ keyPath: ["channels", CHANNEL_ID, "tokenRefresh"], value: tokenRefresh });
  const preview = await previewPatches(config, patches);
  const secrets = [
    resolved.token,
    ...knownTokens(config),
    ...refreshSecrets(tokenRefresh),
    ...refreshSecrets(config.channel?.tokenRefresh as RefreshBlock),
  ];
  const diff = renderDiff(config.path, config.text, preview.after, secrets);
  for (const warning of preview.warnings) ui.warn(warning);
  if (!diff) {
    ui.end(`${config.path} already holds exactly this account; nothing to write`);
    return EXIT_OK;
  }
  ui.note(diff, flags.dryRun ? "Change (dry run)" : "Change");
  if (flags.dryRun) {
    ui.end(`dry run: ${config.path} was not changed`);
    return EXIT_OK;
  }
  if (interactive && !(await ui.confirm(`Write this to ${config.path}?`, true))) {
    throw stopped("nothing was written");
  }
  await writePatches(config, patches, preview.warnings.length > 0 ? undefined : ui);
  ui.success(
    `wrote channels.${CHANNEL_ID}.accounts.${accountId}${tokenRefresh ? ` and channels.${CHANNEL_ID}.tokenRefresh` : ""} to ${config.path}`,
  );
  ui.end(nextSteps(accountId));
  return EXIT_OK;
}

/** `ui` is left out when the preview already announced the same warnings (comments lost, .bak saved). */
async function writePatches(config: LoadedConfig, patches: ConfigPatch[], ui?: SetupUi): Promise<void> {
  const current = await loadConfig(config.path);
  if (current.text !== config.text) {
    throw new MultiOpenimError(
      "CONFIG_PATCH",
      `[multi-openim] ${config.path} changed while setup ran; run setup again`,
    );
  }
  try {
    for (const patch of patches) {
      const result = await patchJson5File(config.path, patch.keyPath, patch.value);
      for (const warning of result.warnings) ui?.warn(warning);
    }
  } catch (error) {
    throw isMultiOpenimError(error) ? error : MultiOpenimError.from(error, "FILE_WRITE");
  }
}
