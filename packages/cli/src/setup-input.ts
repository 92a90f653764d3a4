import { promises as fs } from "node:fs";
import path from "node:path";
import { accountConfigSchema } from "@multi-openim/core";
import JSON5 from "json5";
import { type AccountFields, fieldProblems } from "./account-fields.js";
import { type CliIo, readAll } from "./io.js";
import { type RefreshBlock, refreshFromFlags, refreshFromJson } from "./refresh-input.js";
import type { SetupFlags } from "./setup-flags.js";
import { usageError } from "./usage.js";

/** Everything setup knows before asking anything: from --from-json, then flags on top. */
export interface SetupInput {
  accountId?: string;
  fields: AccountFields;
  tokenRefresh?: RefreshBlock;
}

async function readSource(source: string, io: CliIo, what: string): Promise<string> {
  if (source === "-") return readAll(io.stdin);
  try {
    return await fs.readFile(source, "utf8");
  } catch (cause) {
    throw usageError(`${what}: cannot read ${source} (${(cause as Error).message})`);
  }
}

async function fromJson(source: string, io: CliIo): Promise<SetupInput> {
  let data: unknown;
  try {
    data = JSON5.parse(await readSource(source, io, "--from-json"));
  } catch (error) {
    if ((error as { code?: string }).code === "CLI_USAGE") throw error;
    throw usageError(`--from-json ${source} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw usageError(
      `--from-json ${source} must hold an object like {"accountId": "primary", "token": "…", "wsAddr": "…", "apiAddr": "…"}`,
    );
  }
  const { accountId, tokenRefresh, ...fields } = data as Record<string, unknown>;
  if (accountId !== undefined && typeof accountId !== "string")
    throw usageError("--from-json accountId must be a string");
  const parsed = accountConfigSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = ["from-json", ...issue.path.map(String)].join(".");
    throw usageError(`${where}: ${issue.message}`);
  }
  const input: SetupInput = { fields: fields as AccountFields };
  if (accountId !== undefined) input.accountId = accountId;
  if (tokenRefresh !== undefined) input.tokenRefresh = refreshFromJson(tokenRefresh);
  return input;
}

/** A token file's problems are the file's: named with the absolute path tried, never as "--token". */
async function tokenFromFile(source: string, io: CliIo): Promise<string> {
  const shown = source === "-" ? "- (stdin)" : path.resolve(source);
  let text: string;
  if (source === "-") text = await readAll(io.stdin);
  else {
    try {
      text = await fs.readFile(shown, "utf8");
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why =
        code === "ENOENT"
          ? "no such file"
          : code === "EACCES"
            ? "permission denied"
            : (cause as Error).message;
      throw usageError(
        `--token-file: cannot read ${shown} (${why}): give the path of a file holding only the token`,
      );
    }
  }
  const token = text.trim();
  if (!token) throw usageError(`--token-file ${shown} is empty: it must hold the OpenIM token`);
  const problem = fieldProblems.token(token);
  if (problem)
    throw usageError(
      `--token-file ${shown} does not hold an OpenIM token (${problem}): put only the JWT in the file`,
    );
  return token;
}

export async function collectSetupInput(flags: SetupFlags, io: CliIo): Promise<SetupInput> {
  if (flags.fromJson === "-" && flags.tokenFile === "-") {
    throw usageError("--from-json - and --token-file - both read stdin: give one of them a file");
  }
  if (flags.token !== undefined && flags.tokenFile !== undefined) {
    throw usageError("give the token once: --token or --token-file, not both");
  }
  const input: SetupInput = flags.fromJson ? await fromJson(flags.fromJson, io) : { fields: {} };
  const f = input.fields;
  if (flags.account !== undefined) input.accountId = flags.account;
  if (flags.ws !== undefined) f.wsAddr = flags.ws;
  if (flags.api !== undefined) f.apiAddr = flags.api;
  if (flags.token !== undefined) f.token = flags.token.trim();
  if (flags.tokenFile !== undefined) f.token = await tokenFromFile(flags.tokenFile, io);
  if (flags.userId !== undefined) f.userID = flags.userId;
  if (flags.platformId !== undefined) f.platformID = flags.platformId;
  if (flags.disabled) f.enabled = false;
  if (flags.requireMention !== undefined) f.requireMention = flags.requireMention;
  if (flags.whitelist !== undefined) f.inboundWhitelist = flags.whitelist;
  if (flags.disableFriendSdk !== undefined) f.disableFriendSdk = flags.disableFriendSdk;
  if (flags.dmPolicy !== undefined) f.dmPolicy = flags.dmPolicy;
  if (flags.allowFrom !== undefined) f.allowFrom = flags.allowFrom;
  const refresh = refreshFromFlags(flags, input.tokenRefresh);
  if (refresh) input.tokenRefresh = refresh;
  return input;
}
