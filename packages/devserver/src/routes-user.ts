import { ApiError, type Route } from "./api.js";
import { userView } from "./views.js";

/** Versioned sync answer with nothing changed: what the SDK needs from friend and conversation sync. */
const emptyVersion = (versionID: string) => ({
  version: 1,
  versionID,
  full: false,
  insert: [],
  update: [],
  delete: [],
  sortVersion: 0,
});

/** User and friend routes. This server has no friendships: friend lists are empty, as for a fresh account. */
export const userRoutes: Record<string, Route> = {
  "/user/get_users_info": {
    auth: "user",
    // Answers for any registered user, not only the caller: the SDK reads a peer's nickname on its first send.
    handle: ({ ctx, body }) => {
      const ids: string[] = Array.isArray(body.userIDs) ? body.userIDs : [];
      return {
        usersInfo: ids.flatMap((id) => (ctx.state.users.has(id) ? [userView(ctx.state.users.get(id)!)] : [])),
      };
    },
  },
  "/user/update_user_info_ex": {
    auth: "user",
    handle: ({ ctx, body, userID }) => {
      const info = body.userInfo ?? {};
      if (info.userID && info.userID !== userID) throw new ApiError(1002, "can only update yourself");
      ctx.state.ensureUser(userID, {
        nickname: typeof info.nickname === "string" ? info.nickname : undefined,
        faceURL: typeof info.faceURL === "string" ? info.faceURL : undefined,
      });
      return {};
    },
  },
  "/user/get_subscribe_users_status": { auth: "user", handle: () => ({ statusList: [] }) },
  "/user/subscribe_users_status": {
    auth: "user",
    handle: ({ gw, body }) => ({
      statusList: (Array.isArray(body.userIDs) ? (body.userIDs as string[]) : []).map((userID) => {
        const platformIDs = gw.onlinePlatforms(userID);
        return { userID, status: platformIDs.length > 0 ? 1 : 0, platformIDs };
      }),
    }),
  },
  "/user/set_global_msg_recv_opt": { auth: "user", handle: () => ({}) },
  "/friend/get_incremental_friends": { auth: "user", handle: ({ ctx }) => emptyVersion(ctx.versionID) },
  "/friend/get_full_friend_user_ids": {
    auth: "user",
    handle: ({ ctx }) => ({ version: 1, versionID: ctx.versionID, equal: false, userIDs: [] }),
  },
  "/friend/get_designated_friends": { auth: "user", handle: () => ({ friendsInfo: [] }) },
  "/friend/is_friend": { auth: "user", handle: () => ({ inUser1Friends: false, inUser2Friends: false }) },
  "/friend/get_friend_list": { auth: "user", handle: () => ({ total: 0, friendsInfo: [] }) },
  "/friend/get_black_list": { auth: "user", handle: () => ({ total: 0, blacks: [] }) },
  "/friend/get_specified_blacks": { auth: "user", handle: () => ({ total: 0, blacks: [] }) },
  "/friend/get_friend_apply_list": { auth: "user", handle: () => ({ total: 0, FriendRequests: [] }) },
  "/friend/get_self_friend_apply_list": { auth: "user", handle: () => ({ total: 0, FriendRequests: [] }) },
};

export { emptyVersion };
