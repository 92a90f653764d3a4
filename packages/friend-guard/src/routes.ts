/**
 * The friend routes of @openim/client-sdk 0.0.14's request map (`reqFuncName` → path), mirrored: the
 * SDK's generic `sendHttpRequest({reqFuncName, replaceURL?})` posts to `replaceURL || map[reqFuncName]`,
 * so a guard on the named methods alone leaves every friend route one call away.
 */
const FRIEND_ROUTES: Record<string, string> = {
  AddFriend: "/friend/add_friend",
  CheckFriend: "/friend/is_friend",
  DeleteFriend: "/friend/delete_friend",
  AcceptFriendApplication: "/friend/add_friend_response",
  RefuseFriendApplication: "/friend/add_friend_response",
  GetFriendListPage: "/friend/get_friend_list",
  GetSpecifiedFriendsInfo: "/friend/get_designated_friends",
  GetFriendApplicationListAsApplicant: "/friend/get_self_friend_apply_list",
  GetFriendApplicationListAsRecipient: "/friend/get_friend_apply_list",
  UpdateFriends: "/friend/update_friends",
  AddBlack: "/friend/add_black",
  RemoveBlack: "/friend/remove_black",
  GetBlackList: "/friend/get_black_list",
  GetFriendVersion: "/friend/get_incremental_friends",
  GetDesignatedFriendsApplication: "/friend/get_designated_friend_apply",
  GetDesignatedBlackUser: "/friend/get_specified_blacks",
  GetFullFriendUserIDs: "/friend/get_full_friend_user_ids",
};

/**
 * Reads the SDK makes on its own while syncing (notifications, first send to a new peer); blocking them
 * would break the SDK, and they change nothing. `get_designated_friends` is blocked with guardInternal.
 */
const SDK_OWN_READS = new Set([
  "/friend/get_designated_friends",
  "/friend/get_incremental_friends",
  "/friend/get_designated_friend_apply",
  "/friend/get_specified_blacks",
  "/friend/get_full_friend_user_ids",
]);

/** The normalized path a generic request goes to, as the server would route it. */
export function requestPath(request: unknown): string | undefined {
  const { reqFuncName, replaceURL } = (request ?? {}) as { reqFuncName?: unknown; replaceURL?: unknown };
  const raw = typeof replaceURL === "string" && replaceURL !== "" ? replaceURL : undefined;
  const path = raw ?? (typeof reqFuncName === "string" ? FRIEND_ROUTES[reqFuncName] : undefined);
  if (path === undefined) return undefined;
  try {
    // Joined the way the SDK joins it (`${apiAddr}${path}`), then cleaned the way a router would.
    return decodeURIComponent(new URL(`http://sdk.invalid/${path.replace(/^\/+/, "")}`).pathname)
      .replace(/\/{2,}/g, "/")
      .toLowerCase();
  } catch {
    return path.toLowerCase();
  }
}

/** True when a generic request would reach a friend or blacklist route the guard keeps closed. */
export function isGuardedFriendRequest(request: unknown, options: { guardInternal?: boolean } = {}): boolean {
  const path = requestPath(request);
  if (path === undefined) {
    // A friend call this mirror does not know yet (a newer SDK): refused by its name.
    const name = (request as { reqFuncName?: unknown } | null)?.reqFuncName;
    return typeof name === "string" && /friend|black/i.test(name);
  }
  if (!path.startsWith("/friend/")) return false;
  if (options.guardInternal && path === "/friend/get_designated_friends") return true;
  return !SDK_OWN_READS.has(path);
}
