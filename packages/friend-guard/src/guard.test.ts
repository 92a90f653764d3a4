import { getSDK } from "@openim/client-sdk/lib/index.modern.mjs";
import { describe, expect, test } from "vitest";
import { FRIEND_API_DISABLED_CODE, FriendApiDisabledError, isFriendApiDisabledError } from "./errors.js";
import { guardFriendApi, isFriendApiGuarded } from "./guard.js";
import {
  findDescriptor,
  friendMethodNames,
  SDK_FRIEND_METHODS,
  SDK_INTERNAL_FRIEND_METHODS,
} from "./methods.js";

type Callable = Record<string, (...args: unknown[]) => Promise<unknown>>;

// A real SDK instance (the Proxy getSDK returns); no server is needed: calls fail locally when logged out.
function freshSdk(): Callable {
  return getSDK() as unknown as Callable;
}

describe("guardFriendApi on a real @openim/client-sdk instance", () => {
  test("every friend method this SDK has is guarded and rejects with the code and the account", async () => {
    const sdk = freshSdk();
    const names = friendMethodNames(sdk);
    for (const name of SDK_FRIEND_METHODS) {
      if (!(SDK_INTERNAL_FRIEND_METHODS as readonly string[]).includes(name)) expect(names).toContain(name);
    }
    guardFriendApi(sdk, { accountId: "primary" });
    for (const name of names) {
      const pending = sdk[name]!({ toUserID: "u2", reqMsg: "hi" });
      const error = await pending.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(FriendApiDisabledError);
      expect((error as FriendApiDisabledError).code).toBe(FRIEND_API_DISABLED_CODE);
      expect((error as FriendApiDisabledError).accountId).toBe("primary");
      expect((error as Error).message).toContain(`SDK ${name}() is disabled`);
    }
  });

  test("the message matches the original plugin's wording", async () => {
    const sdk = freshSdk();
    guardFriendApi(sdk, { accountId: "primary" });
    await expect(sdk.addFriend!({ toUserID: "x" })).rejects.toThrow(
      "SDK addFriend() is disabled by multi-openim-channel (account=primary). Route friend operations through your own backend.",
    );
  });

  test("a guarded call never throws synchronously: it returns a rejected promise", () => {
    const sdk = freshSdk();
    guardFriendApi(sdk, { accountId: "a1" });
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = sdk.deleteFriend!("u9");
    }).not.toThrow();
    return expect(pending).rejects.toSatisfy(isFriendApiDisabledError);
  });

  test("restore brings the original methods back", async () => {
    const sdk = freshSdk();
    const before = findDescriptor(sdk, "addFriend")?.value;
    const restore = guardFriendApi(sdk, { accountId: "primary" });
    expect(findDescriptor(sdk, "addFriend")?.value).not.toBe(before);
    restore();
    expect(findDescriptor(sdk, "addFriend")?.value).toBe(before);
    expect(isFriendApiGuarded(sdk)).toBe(false);
    // The real method runs again: logged out, the SDK rejects with its own 10004 object, not our error.
    const error = await sdk.addFriend!({ toUserID: "x", reqMsg: "" }).catch((e: unknown) => e);
    expect(isFriendApiDisabledError(error)).toBe(false);
    expect((error as { errCode?: number }).errCode).toBe(10004);
  });

  test("non-friend methods are untouched", async () => {
    const sdk = freshSdk();
    const names = ["createTextMessage", "sendMessage", "getConversationListSplit", "login", "createGroup"];
    const before = names.map((n) => findDescriptor(sdk, n)?.value);
    guardFriendApi(sdk, { accountId: "primary" });
    expect(names.map((n) => findDescriptor(sdk, n)?.value)).toEqual(before);
    const error = await sdk.createGroup!({}).catch((e: unknown) => e);
    expect(isFriendApiDisabledError(error)).toBe(false);
  });

  test("idempotent: a second guard keeps the first originals and returns the same restore", () => {
    const sdk = freshSdk();
    const original = findDescriptor(sdk, "checkFriend")?.value;
    const restore1 = guardFriendApi(sdk, { accountId: "primary" });
    const stub = findDescriptor(sdk, "checkFriend")?.value;
    const restore2 = guardFriendApi(sdk, { accountId: "primary" });
    expect(restore2).toBe(restore1);
    expect(findDescriptor(sdk, "checkFriend")?.value).toBe(stub);
    restore2();
    restore1();
    expect(findDescriptor(sdk, "checkFriend")?.value).toBe(original);
  });

  test("a friend-like method of another SDK version is guarded too; seed names the SDK lacks are skipped", async () => {
    const sdk = freshSdk() as Callable & Record<string, unknown>;
    sdk.pinFriends = async () => "pinned";
    guardFriendApi(sdk, { accountId: "b" });
    await expect(sdk.pinFriends()).rejects.toSatisfy(isFriendApiDisabledError);
    expect("addFriendV2" in sdk).toBe(false);
  });

  test("the friend lookup the SDK itself needs for a first send stays, unless guardInternal", async () => {
    const plain = freshSdk();
    const original = findDescriptor(plain, "getSpecifiedFriendsInfo")?.value;
    guardFriendApi(plain, { accountId: "a" });
    expect(findDescriptor(plain, "getSpecifiedFriendsInfo")?.value).toBe(original);
    const strict = freshSdk();
    guardFriendApi(strict, { accountId: "a", guardInternal: true });
    await expect(strict.getSpecifiedFriendsInfo!(["u"])).rejects.toSatisfy(isFriendApiDisabledError);
  });

  test("a missing accountId is refused with a clear error and nothing changes", () => {
    const sdk = freshSdk();
    const before = findDescriptor(sdk, "addFriend")?.value;
    expect(() => guardFriendApi(sdk, { accountId: " " })).toThrow(/accountId is required/);
    expect(findDescriptor(sdk, "addFriend")?.value).toBe(before);
  });
});
