import { ApiError, type Route, type RouteCall } from "./api.js";
import type { DevGroup } from "./state.js";
import { groupView, memberView } from "./views.js";

function groupOf({ ctx }: RouteCall, groupID: unknown): DevGroup {
  const group = typeof groupID === "string" ? ctx.state.groups.get(groupID) : undefined;
  if (!group) throw new ApiError(1201, `group ${String(groupID)} not found`);
  return group;
}

const joinedBy = (call: RouteCall, userID: string) =>
  [...call.ctx.state.groups.values()].filter((g) => g.memberIDs.includes(userID));

/** Group routes: enough for the SDK's join/member sync, group sends, and creating a group from a client. */
export const groupRoutes: Record<string, Route> = {
  "/group/get_incremental_join_groups": {
    auth: "user",
    handle: (call) => {
      const groups = joinedBy(call, call.userID);
      const version = groups.length;
      const changed = call.body.version !== version || call.body.versionID !== call.ctx.versionID;
      return {
        version,
        versionID: call.ctx.versionID,
        full: changed,
        insert: changed ? groups.map(groupView) : [],
        update: [],
        delete: [],
        sortVersion: 0,
      };
    },
  },
  "/group/get_full_join_group_ids": {
    auth: "user",
    handle: (call) => ({
      version: 1,
      versionID: call.ctx.versionID,
      equal: false,
      groupIDs: joinedBy(call, call.userID).map((g) => g.groupID),
    }),
  },
  "/group/get_incremental_group_members_batch": {
    auth: "user",
    handle: (call) => {
      const respList: Record<string, unknown> = {};
      for (const req of Array.isArray(call.body.reqList) ? call.body.reqList : []) {
        const group = call.ctx.state.groups.get(req.groupID);
        if (!group) continue;
        const same = req.version === group.version && req.versionID === call.ctx.versionID;
        // A null insert when nothing changed: the SDK reads insert[0].groupID of any non-null list.
        respList[group.groupID] = {
          version: group.version,
          versionID: call.ctx.versionID,
          full: !same,
          insert: same ? null : group.memberIDs.map((u) => memberView(call.ctx, group, u)),
          update: null,
          delete: null,
          group: same ? null : groupView(group),
        };
      }
      return { respList };
    },
  },
  "/group/get_groups_info": {
    auth: "user",
    handle: ({ ctx, body }) => ({
      groupInfos: (Array.isArray(body.groupIDs) ? (body.groupIDs as string[]) : []).flatMap((id) => {
        const g = ctx.state.groups.get(id);
        return g ? [groupView(g)] : [];
      }),
    }),
  },
  "/group/get_group_members_info": {
    auth: "user",
    handle: (call) => {
      const group = groupOf(call, call.body.groupID);
      const ids: string[] = Array.isArray(call.body.userIDs) ? call.body.userIDs : [];
      return {
        members: ids.filter((u) => group.memberIDs.includes(u)).map((u) => memberView(call.ctx, group, u)),
      };
    },
  },
  "/group/get_group_member_list": {
    auth: "user",
    handle: (call) => {
      const group = groupOf(call, call.body.groupID);
      return {
        total: group.memberIDs.length,
        members: page(call, group.memberIDs).map((u) => memberView(call.ctx, group, u)),
      };
    },
  },
  "/group/get_full_group_member_user_ids": {
    auth: "user",
    handle: (call) => ({
      version: groupOf(call, call.body.groupID).version,
      versionID: call.ctx.versionID,
      equal: false,
      userIDs: [...groupOf(call, call.body.groupID).memberIDs],
    }),
  },
  "/group/get_joined_group_list": {
    auth: "user",
    handle: (call) => {
      const groups = joinedBy(
        call,
        typeof call.body.fromUserID === "string" ? call.body.fromUserID : call.userID,
      );
      return { total: groups.length, groups: page(call, groups).map(groupView) };
    },
  },
  "/group/create_group": {
    auth: "user",
    handle: ({ ctx, body, userID }) => {
      const info = body.groupInfo ?? {};
      const groupID = typeof info.groupID === "string" && info.groupID ? info.groupID : `g${Date.now()}`;
      if (ctx.state.groups.has(groupID)) throw new ApiError(1202, `group ${groupID} already exists`);
      const owner = typeof body.ownerUserID === "string" && body.ownerUserID ? body.ownerUserID : userID;
      const members = [owner, ...(body.memberUserIDs ?? []), ...(body.adminUserIDs ?? [])] as string[];
      const group = createGroupIn(ctx.state, groupID, members, {
        groupName: info.groupName,
        ownerUserID: owner,
      });
      return { groupInfo: groupView(group) };
    },
  },
};

/** Creates (or replaces the members of) a group; unknown members are registered on the way, like a seeded server. */
export function createGroupIn(
  state: import("./state.js").DevState,
  groupID: string,
  memberIDs: string[],
  options: { groupName?: string; ownerUserID?: string } = {},
): DevGroup {
  const members = [...new Set(memberIDs)];
  for (const id of members) state.ensureUser(id);
  const existing = state.groups.get(groupID);
  if (existing) {
    existing.memberIDs = members;
    existing.version++;
    if (options.groupName) existing.groupName = options.groupName;
    return existing;
  }
  const group: DevGroup = {
    groupID,
    groupName: options.groupName || groupID,
    ownerUserID: options.ownerUserID ?? members[0] ?? "",
    memberIDs: members,
    createTime: Date.now(),
    version: 1,
  };
  state.groups.set(groupID, group);
  return group;
}

/** The page `pagination: {pageNumber (1-based), showNumber}` asks for, as a real server pages lists; all without one. */
function page<T>(call: RouteCall, items: T[]): T[] {
  const p = call.body?.pagination as { pageNumber?: unknown; showNumber?: unknown } | undefined;
  const size = Number(p?.showNumber);
  if (!p || !Number.isInteger(size) || size <= 0) return items;
  const start = (Math.max(1, Number(p.pageNumber) || 1) - 1) * size;
  return items.slice(start, start + size);
}
