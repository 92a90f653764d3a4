import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getSDK } from "@openim/client-sdk/lib/index.modern.mjs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FriendApiDisabledError } from "./errors.js";
import { guardFriendApi } from "./guard.js";

// Audit finding (issue 18): on a guarded SDK, sdk.sendHttpRequest({reqFuncName: "AddFriend"}) still
// posted /friend/add_friend. A real SDK instance against a loopback "OpenIM API" that records paths.
type Sdk = Record<string, unknown> & { sendHttpRequest(request: Record<string, unknown>): Promise<unknown> };
let server: Server;
let apiAddr = "";
const paths: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? "");
    req.resume();
    req.on("end", () =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"errCode":0,"errMsg":"","data":{}}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiAddr = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function guardedSdk(guardInternal = false): Sdk {
  const sdk = getSDK() as unknown as Sdk;
  sdk.apiAddr = apiAddr;
  guardFriendApi(sdk, { accountId: "primary", guardInternal });
  return sdk;
}

const send = (sdk: Sdk, request: Record<string, unknown>) =>
  sdk.sendHttpRequest({ data: {}, operationID: "op", ...request }).then(
    () => "sent",
    (error: unknown) => error,
  );

test.each([
  { reqFuncName: "AddFriend" },
  { reqFuncName: "DeleteFriend" },
  { reqFuncName: "AcceptFriendApplication" },
  { reqFuncName: "AddBlack" },
  { reqFuncName: "UpdateFriends" },
  { reqFuncName: "GetSelfUserInfo", replaceURL: "/friend/add_friend" },
  { reqFuncName: "GetSelfUserInfo", replaceURL: "//FRIEND/./add_friend?x=1" },
  { reqFuncName: "GetSelfUserInfo", replaceURL: "/friend/%61dd_friend" },
  { reqFuncName: "PinFriends" },
])("sendHttpRequest(%j) is refused without a request", async (request) => {
  const before = paths.length;
  const error = await send(guardedSdk(), request);
  expect(error).toBeInstanceOf(FriendApiDisabledError);
  expect((error as FriendApiDisabledError).accountId).toBe("primary");
  expect(paths.length).toBe(before);
});

test("other routes, and the friend reads the SDK makes itself, still go through", async () => {
  const sdk = guardedSdk();
  expect(await send(sdk, { reqFuncName: "GetSelfUserInfo", replaceURL: "/user/get_users_info" })).toBe(
    "sent",
  );
  expect(await send(sdk, { reqFuncName: "GetSpecifiedFriendsInfo" })).toBe("sent");
  expect(paths.slice(-2)).toEqual(["/user/get_users_info", "/friend/get_designated_friends"]);
  // With guardInternal the SDK's own first-send lookup is closed too.
  expect(await send(guardedSdk(true), { reqFuncName: "GetSpecifiedFriendsInfo" })).toBeInstanceOf(
    FriendApiDisabledError,
  );
});

test("restore() gives back the SDK's own sendHttpRequest", async () => {
  const sdk = getSDK() as unknown as Sdk;
  sdk.apiAddr = apiAddr;
  const restore = guardFriendApi(sdk, { accountId: "primary" });
  expect(await send(sdk, { reqFuncName: "AddFriend" })).toBeInstanceOf(FriendApiDisabledError);
  restore();
  expect(await send(sdk, { reqFuncName: "AddFriend" })).toBe("sent");
  expect(paths.at(-1)).toBe("/friend/add_friend");
});
