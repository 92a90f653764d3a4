/**
 * Friend methods named by the original plugin's README, whether or not this SDK version has them
 * (0.0.14 lacks several; 3.8.x adds some). Guarding a name the instance lacks is a no-op.
 */
export const SEED_FRIEND_METHODS = [
  "addFriend",
  "addFriendV2",
  "applyFriend",
  "acceptFriendApplication",
  "refuseFriendApplication",
  "deleteFriend",
  "checkFriend",
  "setFriendRemark",
  "addBlack",
  "removeBlack",
  "getFriendApplicationListAsApplicant",
  "getFriendApplicationListAsRecipient",
  "getFriendApplicationList",
  "getRecvFriendApplicationList",
  "getSendFriendApplicationList",
  "getFriendList",
] as const;

/** Friend methods @openim/client-sdk 0.0.14 puts on an instance (see docs/openim.md). */
export const SDK_FRIEND_METHODS = [
  "addFriend",
  "acceptFriendApplication",
  "refuseFriendApplication",
  "checkFriend",
  "deleteFriend",
  "getFriendListPage",
  "getSpecifiedFriendsInfo",
  "getFriendApplicationListAsApplicant",
  "getFriendApplicationListAsRecipient",
  "updateFriends",
  "addBlack",
  "removeBlack",
  "getBlackList",
] as const;

/**
 * Friend methods the SDK itself calls on its instance: 0.0.14 looks a new peer up with
 * getSpecifiedFriendsInfo before the first message to them, so a stub there breaks every first send to a
 * new user. Read-only; left alone unless the caller asks (`guardInternal: true`).
 */
export const SDK_INTERNAL_FRIEND_METHODS = ["getSpecifiedFriendsInfo"] as const;

// Catches friend/blacklist methods of SDK versions we have not seen (e.g. 3.8's pinFriends, searchFriends).
const FRIEND_NAME = /friend|black/i;

/**
 * The names to guard on one instance: every listed name plus any own function whose name looks like a
 * friend or blacklist call. Reading own keys works through the SDK's Proxy (it has no ownKeys trap).
 */
export function friendMethodNames(instance: object, options: { guardInternal?: boolean } = {}): string[] {
  const names = new Set<string>([...SEED_FRIEND_METHODS, ...SDK_FRIEND_METHODS]);
  for (const key of Reflect.ownKeys(instance)) {
    if (typeof key === "string" && FRIEND_NAME.test(key)) names.add(key);
  }
  if (!options.guardInternal) for (const name of SDK_INTERNAL_FRIEND_METHODS) names.delete(name);
  return [...names].filter((name) => {
    const descriptor = findDescriptor(instance, name);
    return typeof descriptor?.value === "function";
  });
}

/** The property as stored (own or inherited), bypassing the Proxy's get trap that wraps functions. */
export function findDescriptor(instance: object, name: string): PropertyDescriptor | undefined {
  let target: object | null = instance;
  while (target) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, name);
    if (descriptor) return descriptor;
    target = Reflect.getPrototypeOf(target);
  }
  return undefined;
}
