import { CHANNEL_ID, MultiOpenimError } from "@multi-openim/core";
import type { AccountRegistry } from "./registry.js";
import type { DirectoryGroup, DirectoryUser } from "./types.js";

/** OpenClaw's ChannelDirectoryEntry: ids carry our target prefix, so a picked entry is a valid target. */
export interface DirectoryEntry {
  kind: "user" | "group";
  id: string;
  name?: string;
  handle?: string;
}

export type DirectoryRequest =
  | { op: "self"; accountId: string }
  | { op: "peers" | "groups"; accountId: string; query?: string; limit?: number }
  | { op: "members"; accountId: string; groupId: string; limit?: number };

const userEntry = (u: DirectoryUser): DirectoryEntry => ({
  kind: "user",
  id: `user:${u.userID}`,
  name: u.nickname,
  handle: u.userID,
});
const groupEntry = (g: DirectoryGroup): DirectoryEntry => ({
  kind: "group",
  id: `group:${g.groupID}`,
  name: g.groupName,
  handle: g.groupID,
});

function matches(entry: DirectoryEntry, query: string | undefined): boolean {
  const q = (query ?? "")
    .trim()
    .toLowerCase()
    .replace(/^(user|group):/, "");
  if (!q) return true;
  return [entry.name, entry.handle].some((v) => v?.toLowerCase().includes(q));
}

const limited = (entries: DirectoryEntry[], limit?: number) =>
  limit && limit > 0 ? entries.slice(0, limit) : entries;

/**
 * Answers one directory request from a running account: peers are the members of the account's groups
 * (and its friends when the friend guard is off), without the account itself; groups are its joined
 * groups. Names are OpenIM nicknames and group names.
 */
export async function answerDirectory(registry: AccountRegistry, req: DirectoryRequest): Promise<unknown> {
  const { account, client } = registry.require(req.accountId);
  if (req.op === "self") return userEntry(await client.selfInfo());
  if (req.op === "members")
    return limited((await client.groupMembers(req.groupId)).map(userEntry), req.limit);
  const groups = await client.joinedGroups();
  if (req.op === "groups")
    return limited(
      groups.map(groupEntry).filter((e) => matches(e, req.query)),
      req.limit,
    );
  const people = new Map<string, DirectoryUser>();
  for (const friend of await client.friends()) people.set(friend.userID, friend);
  for (const group of groups)
    for (const member of await client.groupMembers(group.groupID))
      if (!people.has(member.userID)) people.set(member.userID, member);
  people.delete(account.userID);
  return limited(
    [...people.values()].map(userEntry).filter((e) => matches(e, req.query)),
    req.limit,
  );
}

/** Where directory requests go: this process's registry when the account runs here, else the gateway. */
export type DirectoryTransport = (req: DirectoryRequest) => Promise<unknown>;

export const DIRECTORY_METHOD = `${CHANNEL_ID}.directory`;

export interface ListParams {
  accountId?: string | null;
  query?: string | null;
  limit?: number | null;
  groupId?: string;
}

const accountOf = (params: ListParams): string => {
  const id = String(params.accountId ?? "").trim();
  if (!id)
    throw new MultiOpenimError(
      "ACCOUNT_UNKNOWN",
      "[multi-openim] accountId is required (no default fallback): pass --account <id>",
    );
  return id;
};

/** OpenClaw's `directory` adapter (`openclaw directory self|peers|groups --channel multi-openim --account <id>`). */
export function createDirectory(transport: DirectoryTransport) {
  const list = (op: "peers" | "groups") => async (params: ListParams) =>
    (await transport({
      op,
      accountId: accountOf(params),
      ...(params.query ? { query: params.query } : {}),
      ...(params.limit ? { limit: params.limit } : {}),
    })) as DirectoryEntry[];
  return {
    self: async (params: ListParams) =>
      (await transport({ op: "self", accountId: accountOf(params) })) as DirectoryEntry,
    listPeers: list("peers"),
    listGroups: list("groups"),
    listGroupMembers: async (params: ListParams & { groupId: string }) =>
      (await transport({
        op: "members",
        accountId: accountOf(params),
        groupId: params.groupId.replace(/^group:/, ""),
        ...(params.limit ? { limit: params.limit } : {}),
      })) as DirectoryEntry[],
  };
}
