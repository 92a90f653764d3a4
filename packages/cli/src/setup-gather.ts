import { DEFAULT_PLATFORM_ID } from "@multi-openim/core";
import { type AccountFields, fieldProblems, REQUIRED_FLAGS } from "./account-fields.js";
import type { ConnectionAccount } from "./connection-types.js";
import type { SetupInput } from "./setup-input.js";
import { describeToken, inspectToken } from "./token-info.js";
import type { SetupUi } from "./ui.js";
import { usageError } from "./usage.js";

/** Without prompts every required value must come from flags: name all missing ones at once. */
export function assertComplete(input: SetupInput): void {
  const missing: string[] = [];
  if (input.accountId === undefined) missing.push(REQUIRED_FLAGS.accountId);
  if (input.fields.wsAddr === undefined) missing.push(REQUIRED_FLAGS.wsAddr);
  if (input.fields.apiAddr === undefined) missing.push(REQUIRED_FLAGS.apiAddr);
  if (input.fields.token === undefined) missing.push(REQUIRED_FLAGS.token);
  if (missing.length > 0) {
    throw usageError(
      `missing ${missing.join(", ")} (prompts are off: --non-interactive or stdin is not a terminal)`,
    );
  }
}

/** A given value that is wrong stops setup before anything is asked or written; the flag is named. */
export function assertGivenValid(input: SetupInput): void {
  const checks: [string, string | number | undefined, (v: never) => string | null][] = [
    ["--account", input.accountId, fieldProblems.accountId],
    ["--ws", input.fields.wsAddr, fieldProblems.wsAddr],
    ["--api", input.fields.apiAddr, fieldProblems.apiAddr],
    ["--token", input.fields.token, fieldProblems.token],
    ["--user-id", input.fields.userID, fieldProblems.userID],
  ];
  for (const [flag, value, check] of checks) {
    if (value === undefined) continue;
    const problem = check(value as never);
    if (problem)
      throw usageError(`${flag} ${flag === "--token" ? "" : `${JSON.stringify(String(value))} `}${problem}`);
  }
}

/** Fills the missing required fields by asking (interactive) and works out userID / platformID from the token. */
export async function completeAccount(
  ui: SetupUi,
  fields: AccountFields,
  existing: Record<string, unknown> | undefined,
): Promise<{ fields: AccountFields; resolved: Omit<ConnectionAccount, "accountId"> }> {
  const f = { ...fields };
  const prior = (key: string) =>
    typeof existing?.[key] === "string" ? (existing[key] as string) : undefined;
  f.wsAddr ??= await ui.text({
    message: "OpenIM WebSocket address (wsAddr)",
    defaultValue: prior("wsAddr") ?? "ws://127.0.0.1:10001",
    validate: fieldProblems.wsAddr,
  });
  f.apiAddr ??= await ui.text({
    message: "OpenIM REST address (apiAddr)",
    defaultValue: prior("apiAddr") ?? defaultApiFor(f.wsAddr),
    validate: fieldProblems.apiAddr,
  });
  const current = prior("token");
  if (f.token === undefined && current && ui.interactive) {
    // Replacing an account: Enter keeps the token it already has.
    const answer = await ui.secret({
      message: "OpenIM token (hidden; Enter keeps the current one)",
      validate: (v) => (v === "" ? null : fieldProblems.token(v)),
    });
    f.token = answer || current;
  }
  f.token ??= await ui.secret({ message: "OpenIM token (hidden)", validate: fieldProblems.token });
  const info = inspectToken(f.token);
  ui.info(`token ${describeToken(f.token)}`);
  if (info.expiresAt !== undefined && info.expiresAt <= Date.now()) ui.warn("this token has already expired");

  if (f.userID === undefined && ui.interactive) {
    const answer = await ui.text({
      message: "OpenIM userID",
      ...(info.userID ? { defaultValue: info.userID } : {}),
      validate: fieldProblems.userID,
    });
    // Written only when it differs from the claim: otherwise it stays derived, as SCHEMA.md recommends.
    if (answer !== info.userID) f.userID = answer;
  }
  const userID = f.userID ?? info.userID;
  if (!userID) throw usageError("the token has no UserID claim: pass --user-id <id>");

  const claimPlatform = info.platformID ?? DEFAULT_PLATFORM_ID;
  if (f.platformID === undefined && ui.interactive) {
    const answer = await ui.text({
      message: "OpenIM platformID",
      defaultValue: String(claimPlatform),
      validate: (v) => fieldProblems.platformID(Number(v)),
    });
    if (Number(answer) !== claimPlatform) f.platformID = Number(answer);
  }
  const platformID = f.platformID ?? claimPlatform;
  return {
    fields: f,
    resolved: { token: f.token, wsAddr: f.wsAddr, apiAddr: f.apiAddr, userID, platformID },
  };
}

/** OpenIM's usual layout: the REST API on the WebSocket host, port 10002. */
function defaultApiFor(wsAddr: string): string {
  try {
    const url = new URL(wsAddr);
    return `${url.protocol === "wss:" ? "https" : "http"}://${url.hostname}:10002`;
  } catch {
    return "http://127.0.0.1:10002";
  }
}
