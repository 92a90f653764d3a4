export { FRIEND_API_DISABLED_CODE, FriendApiDisabledError, isFriendApiDisabledError } from "./errors.js";
export { type GuardFriendApiOptions, guardFriendApi, isFriendApiGuarded } from "./guard.js";
export {
  friendMethodNames,
  SDK_FRIEND_METHODS,
  SDK_INTERNAL_FRIEND_METHODS,
  SEED_FRIEND_METHODS,
} from "./methods.js";
export { isGuardedFriendRequest } from "./routes.js";
