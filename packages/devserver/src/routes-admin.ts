import { randomUUID } from "node:crypto";
import { ApiError, type Route } from "./api.js";
import { storeAndDeliver } from "./messaging.js";
import { SessionType } from "./state.js";

/** Admin platform: a real server gives admin tokens platform 10, and refuses it for user tokens. */
export const ADMIN_PLATFORM_ID = 10;

function str(value: unknown, field: string): string {
  if (typeof value !== "string" || !value) throw new ApiError(1001, `${field} is required`);
  return value;
}

/** The admin routes a real server has, so an operator holding the secret can mint tokens and send messages. */
export const adminRoutes: Record<string, Route> = {
  "/auth/get_admin_token": {
    auth: "none",
    handle: ({ ctx, body }) => {
      if (body.secret !== ctx.secret) throw new ApiError(1002, "secret is wrong");
      const userID = str(body.userID, "userID");
      if (!ctx.adminUserIDs.includes(userID)) throw new ApiError(1002, `${userID} is not an admin user`);
      ctx.state.ensureUser(userID);
      return ctx.tokens.mint(userID, { platformID: ADMIN_PLATFORM_ID });
    },
  },
  "/auth/get_user_token": {
    auth: "admin",
    handle: ({ ctx, body }) => {
      const userID = str(body.userID, "userID");
      const platformID = Number(body.platformID);
      if (!Number.isInteger(platformID) || platformID < 1) throw new ApiError(1001, "platformID is required");
      if (platformID === ADMIN_PLATFORM_ID) throw new ApiError(1001, "platformID 10 is for admins");
      if (!ctx.state.users.has(userID)) throw new ApiError(1101, `user ${userID} not registered`);
      return ctx.tokens.mint(userID, { platformID });
    },
  },
  "/auth/force_logout": {
    auth: "admin",
    handle: ({ ctx, gw, body }) => {
      const userID = str(body.userID, "userID");
      const platformID = body.platformID === undefined ? undefined : Number(body.platformID);
      ctx.tokens.mark(userID, "kicked", { platformID });
      gw.kick(userID, platformID);
      return {};
    },
  },
  "/user/user_register": {
    auth: "admin",
    handle: ({ ctx, body }) => {
      const users = Array.isArray(body.users) ? body.users : [];
      if (users.length === 0) throw new ApiError(1001, "users is required");
      for (const u of users)
        ctx.state.ensureUser(str(u?.userID, "users[].userID"), { nickname: u.nickname, faceURL: u.faceURL });
      return {};
    },
  },
  "/msg/send_msg": {
    auth: "admin",
    handle: ({ ctx, gw, body }) => {
      const sendID = str(body.sendID, "sendID");
      const sessionType = Number(body.sessionType);
      const group = sessionType === SessionType.Group;
      if (!group && sessionType !== SessionType.Single)
        throw new ApiError(1001, "sessionType must be 1 or 3");
      const recvID = group ? "" : str(body.recvID, "recvID");
      const groupID = group ? str(body.groupID, "groupID") : "";
      if (group && !ctx.state.groups.has(groupID)) throw new ApiError(1201, `group ${groupID} not found`);
      if (group && !ctx.state.groups.get(groupID)?.memberIDs.includes(sendID))
        throw new ApiError(1203, `${sendID} is not in group ${groupID}`);
      if (!ctx.state.users.has(sendID)) throw new ApiError(1101, `user ${sendID} not registered`);
      if (!group && !ctx.state.users.has(recvID)) throw new ApiError(1101, `user ${recvID} not registered`);
      const content = body.content ?? {};
      const atUserIDList = Array.isArray(content.atUserList) ? (content.atUserList as string[]) : [];
      const record = storeAndDeliver(
        ctx,
        gw,
        {
          sendID,
          recvID,
          groupID,
          clientMsgID: randomUUID().replace(/-/g, ""),
          senderPlatformID: Number(body.senderPlatformID ?? 0),
          senderNickname: String(body.senderNickname ?? ctx.state.users.get(sendID)?.nickname ?? ""),
          senderFaceURL: String(body.senderFaceURL ?? ""),
          sessionType,
          msgFrom: 100,
          contentType: Number(body.contentType ?? 101),
          content: new TextEncoder().encode(JSON.stringify(content)),
          createTime: Date.now(),
          atUserIDList,
          ex: String(body.ex ?? ""),
        },
        "admin",
      );
      return { serverMsgID: record.serverMsgID, clientMsgID: record.clientMsgID, sendTime: record.sendTime };
    },
  },
};
