import { MultiOpenimError } from "@multi-openim/core";
import type { OpenImSdk } from "./sdk-loader.js";
import type { SendContext } from "./send.js";
import { describeSdkError } from "./send.js";
import { leftUntil, withTimeout } from "./timeout.js";

/** A person as OpenIM lists them (self, a friend, a group member). */
export interface DirectoryUser {
  userID: string;
  nickname: string;
  faceURL?: string;
  /** For group members: 100 owner, 60 admin, 20 member (OpenIM's roleLevel). */
  roleLevel?: number;
}

export interface DirectoryGroup {
  groupID: string;
  groupName: string;
  memberCount?: number;
  faceURL?: string;
}

const PAGE = 100;
/** Bounded: 20 pages of 100 is more than an account's groups or one group's members need here. */
const MAX_PAGES = 20;

/** Runs one SDK read on a connected session within the send timeout; errors are the client's codes. */
export async function readWith<T>(
  ctx: SendContext,
  what: string,
  call: (sdk: OpenImSdk) => Promise<{ data: T }>,
): Promise<T> {
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  const session = await ctx.connectedSession(deadline);
  try {
    const { data } = await withTimeout(call(session.sdk), leftUntil(deadline, ctx.clock), what, ctx.clock);
    return data;
  } catch (error) {
    throw new MultiOpenimError(
      "SEND_FAILED",
      ctx.redact(`[client] account=${ctx.accountId}: ${what} failed: ${describeSdkError(error)}`),
      { cause: error },
    );
  }
}

async function paged<T>(fetch: (offset: number) => Promise<T[] | null | undefined>): Promise<T[]> {
  const all: T[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const items = (await fetch(page * PAGE)) ?? [];
    all.push(...items);
    if (items.length < PAGE) break;
  }
  return all;
}

/** The logged-in account's own profile (`getSelfUserInfo`). */
export async function selfInfo(ctx: SendContext): Promise<DirectoryUser> {
  const me = await readWith(ctx, "getSelfUserInfo", (sdk) => sdk.getSelfUserInfo());
  return {
    userID: me.userID,
    nickname: me.nickname || me.userID,
    ...(me.faceURL ? { faceURL: me.faceURL } : {}),
  };
}

/** Every group the account is in (`getJoinedGroupListPage`, paged). */
export function joinedGroups(ctx: SendContext): Promise<DirectoryGroup[]> {
  return paged(async (offset) => {
    const groups = await readWith(ctx, "getJoinedGroupListPage", (sdk) =>
      sdk.getJoinedGroupListPage({ offset, count: PAGE }),
    );
    return (groups ?? []).map((g) => ({
      groupID: g.groupID,
      groupName: g.groupName || g.groupID,
      ...(g.memberCount ? { memberCount: g.memberCount } : {}),
      ...(g.faceURL ? { faceURL: g.faceURL } : {}),
    }));
  });
}

/** A group's members (`getGroupMemberList`, filter 0 = all, paged). */
export function groupMembers(ctx: SendContext, groupID: string): Promise<DirectoryUser[]> {
  return paged(async (offset) => {
    const members = await readWith(ctx, "getGroupMemberList", (sdk) =>
      sdk.getGroupMemberList({ groupID, filter: 0, offset, count: PAGE }),
    );
    return (members ?? []).map((m) => ({
      userID: m.userID,
      nickname: m.nickname || m.userID,
      roleLevel: m.roleLevel,
      ...(m.faceURL ? { faceURL: m.faceURL } : {}),
    }));
  });
}

/**
 * The account's friends (`getFriendListPage`). With the friend guard on (the default) the SDK's friend
 * methods are stubbed and the account has no friend list to offer: the answer is empty, not an error.
 */
export function friends(ctx: SendContext, friendGuard: boolean): Promise<DirectoryUser[]> {
  if (friendGuard) return Promise.resolve([]);
  return paged(async (offset) => {
    const list = await readWith(ctx, "getFriendListPage", (sdk) =>
      sdk.getFriendListPage({ offset, count: PAGE }),
    );
    return (list ?? []).map((f) => ({
      userID: f.userID,
      nickname: f.remark || f.nickname || f.userID,
      ...(f.faceURL ? { faceURL: f.faceURL } : {}),
    }));
  });
}
