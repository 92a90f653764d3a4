import { MultiOpenimError, redactSecrets, storeSchema } from "@multi-openim/core";
import { type AccountFields, DM_POLICIES, type DmPolicy } from "./account-fields.js";
import {
  CONNECTION_FIXES,
  type ConnectionAccount,
  type ConnectionTester,
  type ConnectionTestOptions,
} from "./connection-types.js";
import type { RefreshBlock } from "./refresh-input.js";
import { askFriendSdk, askTokenRefresh } from "./setup-extras.js";
import { assertGivenValid, completeAccount } from "./setup-gather.js";
import type { SetupInput } from "./setup-input.js";
import type { SetupUi } from "./ui.js";
import { usageError } from "./usage.js";

/** Everything the questions need to know about the config they will change. */
export interface FlowContext {
  /** Where the answer will be written (shown in messages only). */
  configPath: string;
  accounts: Record<string, unknown>;
  /** `channels.multi-openim` as written, for the current tokenRefresh and channel defaults. */
  channel: Record<string, unknown> | undefined;
  force?: boolean;
  skipTest?: boolean;
  testTimeoutMs?: number;
}

export interface AccountAnswers {
  accountId: string;
  fields: AccountFields;
  resolved: Omit<ConnectionAccount, "accountId">;
  tokenRefresh?: RefreshBlock;
}

/** The channel's `store` as written, when valid: the connection test takes the account's lease there. */
function channelStore(channel: Record<string, unknown> | undefined): ConnectionTestOptions["lease"] {
  const parsed = storeSchema.safeParse(channel?.store ?? { kind: "file" });
  return parsed.success ? { store: parsed.data } : undefined;
}

/** A choice that ends the run with nothing written: exit 0 and a plain line, not an error. */
export function stopped(message: string): MultiOpenimError {
  return new MultiOpenimError("STOPPED", `[multi-openim] ${message}`);
}

export async function connectionCheck(
  ui: SetupUi,
  account: ConnectionAccount,
  timeoutMs: number,
  testConnection: ConnectionTester,
  lease?: ConnectionTestOptions["lease"],
): Promise<void> {
  const result = await ui.progress(
    `Testing the connection to ${account.wsAddr} as ${account.userID}`,
    () => testConnection(account, { timeoutMs, ...(lease ? { lease } : {}) }),
    (r) =>
      r.ok
        ? { ok: true, message: `connected as ${r.userID}` }
        : {
            ok: false,
            message: `connection test failed (${r.reason}): ${redactSecrets(r.message, [account.token])}`,
          },
  );
  if (result.ok) return;
  const fix = CONNECTION_FIXES[result.reason];
  if (ui.interactive) {
    ui.info(`fix: ${fix}`);
    if (await ui.confirm("Write the account anyway?", false)) return;
  }
  throw new MultiOpenimError(
    "LOGIN_FAILED",
    `[multi-openim] connection test failed (${result.reason}): ${fix}. Nothing was written${ui.interactive ? "" : " (--skip-test writes without testing)"}`,
  );
}

async function confirmReplace(ui: SetupUi, ctx: FlowContext, accountId: string): Promise<void> {
  if (!(accountId in ctx.accounts) || ctx.force) return;
  if (!ui.interactive) {
    throw usageError(
      `account "${accountId}" already exists in ${ctx.configPath}: pass --force to replace it`,
    );
  }
  if (!(await ui.confirm(`Account "${accountId}" already exists. Replace it?`, false))) {
    throw stopped(`kept the existing account "${accountId}"; nothing was written`);
  }
}

const POLICY_HINTS: Record<DmPolicy, string> = {
  pairing: "recommended: a stranger gets a code; you approve it with openclaw pairing approve",
  allowlist: "only the OpenIM userIDs you list",
  open: "anyone who can reach this account on its OpenIM server",
  disabled: "no DMs at all (groups only)",
};

/** Who may talk to the bot (OpenClaw's dmPolicy, pairing recommended) and whether groups need a mention. */
export async function askAccess(
  ui: SetupUi,
  fields: AccountFields,
  existing: Record<string, unknown> | undefined,
) {
  const prior = existing?.dmPolicy as DmPolicy | undefined;
  fields.dmPolicy ??= await ui.select(
    "Who may talk to the bot in direct messages?",
    DM_POLICIES.map((value) => ({ value, label: value, hint: POLICY_HINTS[value] })),
    prior && DM_POLICIES.includes(prior) ? prior : "pairing",
  );
  if (fields.dmPolicy === "allowlist" && fields.allowFrom === undefined) {
    const current = Array.isArray(existing?.allowFrom) ? (existing.allowFrom as string[]).join(", ") : "";
    const raw = await ui.text({
      message: "OpenIM userIDs allowed to DM the bot (comma-separated)",
      ...(current ? { defaultValue: current } : {}),
      validate: (v) => (v.split(",").some((s) => s.trim()) ? null : "list at least one userID"),
    });
    fields.allowFrom = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  fields.requireMention ??= await ui.confirm(
    "In groups, answer only when the bot is @-mentioned (or quoted)?",
    existing?.requireMention !== false,
  );
}

/**
 * The one set of setup questions, for `multi-openim setup`, `openclaw multi-openim setup` and
 * `openclaw channels add` / `onboard` alike: account id, replace?, addresses and token, the connection
 * test, then (interactive only) tokenRefresh, friend APIs and who may talk to the bot.
 */
export async function gatherAccount(
  ui: SetupUi,
  input: SetupInput,
  ctx: FlowContext,
  testConnection: ConnectionTester,
): Promise<AccountAnswers> {
  const accountId =
    input.accountId ??
    (await ui.text({
      message: "Account id",
      defaultValue: "primary",
      validate: (v) => (v ? null : "required"),
    }));
  assertGivenValid({ ...input, accountId });
  await confirmReplace(ui, ctx, accountId);
  const existing = ctx.accounts[accountId] as Record<string, unknown> | undefined;
  const { fields, resolved } = await completeAccount(ui, input.fields, existing);
  if (!ctx.skipTest)
    await connectionCheck(
      ui,
      { accountId, ...resolved },
      ctx.testTimeoutMs ?? 15000,
      testConnection,
      channelStore(ctx.channel),
    );
  let tokenRefresh = input.tokenRefresh;
  if (ui.interactive) {
    tokenRefresh ??= await askTokenRefresh(ui, ctx.channel?.tokenRefresh as RefreshBlock | undefined);
    if (fields.disableFriendSdk === undefined) {
      const friend = await askFriendSdk(ui, ctx.channel?.disableFriendSdk !== false);
      if (friend !== undefined) fields.disableFriendSdk = friend;
    }
    await askAccess(ui, fields, existing);
  }
  if (fields.dmPolicy === "allowlist" && !fields.allowFrom?.length)
    throw usageError("--dm-policy allowlist needs --allow-from <ids> (the userIDs that may DM the bot)");
  return { accountId, fields, resolved, ...(tokenRefresh ? { tokenRefresh } : {}) };
}

/** What happens after a write: verified against a running gateway, which watches its config file. */
export function nextSteps(accountId: string): string {
  return [
    "Next steps:",
    `  A running gateway picks the change up by itself (it watches its config file) and starts only "${accountId}"; no restart needed.`,
    "  openclaw channels status --probe     check the account is connected",
    "  openclaw gateway                     if no gateway is running yet",
  ].join("\n");
}
