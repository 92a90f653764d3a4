import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFriendApiDisabledError } from "@multi-openim/friend-guard";
import { afterAll, describe, expect, test } from "vitest";
import { ManualClock } from "./clock.js";
import { friendGuardFor } from "./options.js";
import { loadSdk } from "./sdk-loader.js";
import { SdkSession, type SessionHandlers } from "./session.js";
import { accountOn, type DevServer, devRefresher, harness, startDevServer, waitFor } from "./test-support.js";

const servers: DevServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function server(): Promise<DevServer> {
  const s = await startDevServer();
  servers.push(s);
  return s;
}

describe.concurrent("client", () => {
  test("proactive refresh replaces the token before exp: zero 1501s, even across a reconnect after the old exp", {
    timeout: 40_000,
  }, async () => {
    const s = await server();
    const refresher = devRefresher(s, () => "bot-p", { proactiveMarginMs: 6000 });
    refresher.expiresInSec = 60;
    const h = harness(accountOn(s, "pro", "bot-p", { expiresInSec: 8 }), {
      tokenRefresher: refresher,
      proactiveRefreshMarginMs: 6000,
    });
    await h.client.start();
    const firstExp = h.client.status().tokenExpiresAt!;
    try {
      await waitFor(() => h.client.status().tokenExpiresAt !== firstExp, 10_000, "proactive refresh");
      expect(refresher.reasons).toEqual([expect.stringMatching(/^ProactiveRefresh expiresAt=/)]);
      expect(h.client.status().tokenExpiresAt).toBeGreaterThan(firstExp);
      expect(h.client.status().connected).toBe(true);
      await waitFor(() => Date.now() > firstExp + 500, 15_000, "the first token's exp");
      s.dropConnections("bot-p");
      await waitFor(() => h.client.status().reconnects === 1, 15_000, "reconnect");
      expect(s.counters.rejectedConnects).toBe(0);
      expect(refresher.reasons).toEqual([expect.stringMatching(/^ProactiveRefresh expiresAt=/)]);
    } finally {
      await h.client.stop();
    }
  });

  test("a send the server does not answer in time fails with SEND_TIMEOUT naming the account; the next one works", {
    timeout: 30_000,
  }, async () => {
    const s = await server();
    s.registerUser("peer");
    // The client's deadlines run on a manual clock: the server's answer (300 ms of real time) comes after
    // them however slow the machine, and the test does not sleep through them.
    const clock = new ManualClock();
    const h = harness(accountOn(s, "slow", "bot-s"), {
      tokenRefresher: devRefresher(s, () => "bot-s"),
      sendTimeoutMs: 1000,
      // Too short to find out whether the late send was stored: it fails instead of being settled.
      unknownOutcomeTimeoutMs: 500,
      clock,
    });
    await h.client.start();
    try {
      s.setLatency(300);
      const failing = h.client.sendText("user:peer", "late").catch((e: unknown) => e);
      await clock.advance(1000); // the send's own timeout
      await clock.advance(500); // the wait for its late answer
      const error = await failing;
      expect(error).toMatchObject({ code: "SEND_TIMEOUT" });
      expect((error as Error).message).toContain("account=slow");
      expect((error as Error).message).toMatch(/timed out after 1000 ms/);
      s.setLatency(0);
      await s.waitForMessage((m) => m.recvID === "peer" && m.text === "late", 5000);
      expect(s.messagesFor("peer").filter((m) => m.text === "late")).toHaveLength(1);
      const ok = await h.client.sendText("user:peer", "on time");
      expect(ok.serverMsgID).not.toBe("");
      await expect(h.client.sendText("nobody", "x")).rejects.toMatchObject({ code: "TARGET_INVALID" });
    } finally {
      await h.client.stop();
    }
    await expect(h.client.sendText("user:peer", "x")).rejects.toMatchObject({ code: "STOPPED" });
  });

  test("media: image and video by URL (not-OSS send), a local file through the upload routes", {
    timeout: 30_000,
  }, async () => {
    const s = await server();
    s.registerUser("peer");
    const dir = await mkdtemp(join(tmpdir(), "client-media-"));
    const path = join(dir, "report.pdf");
    await writeFile(path, "%PDF-1.4 hello");
    const h = harness(accountOn(s, "media", "bot-m"), { tokenRefresher: devRefresher(s, () => "bot-m") });
    await h.client.start();
    try {
      const image = await h.client.sendImage("user:peer", { url: "https://cdn.example.com/a.png" });
      const video = await h.client.sendVideo("user:peer", { url: "https://cdn.example.com/v.mp4" });
      const file = await h.client.sendFile("user:peer", { path });
      const stored = (id: string) => s.messagesFor("bot-m").find((m) => m.clientMsgID === id)!;
      expect(stored(image.clientMsgID)).toMatchObject({
        contentType: 102,
        elem: { sourcePicture: { url: "https://cdn.example.com/a.png" } },
      });
      expect(stored(video.clientMsgID)).toMatchObject({
        contentType: 104,
        elem: { videoUrl: "https://cdn.example.com/v.mp4" },
      });
      const fileElem = stored(file.clientMsgID).elem as {
        sourceUrl: string;
        fileName: string;
        fileSize: number;
      };
      expect(stored(file.clientMsgID).contentType).toBe(105);
      expect(fileElem).toMatchObject({ fileName: "report.pdf", fileSize: 14 });
      const download = await fetch(fileElem.sourceUrl);
      expect(await download.text()).toBe("%PDF-1.4 hello");
      await expect(h.client.sendFile("user:peer", { path: join(dir, "missing.bin") })).rejects.toMatchObject({
        code: "MEDIA_REFUSED",
      });
    } finally {
      await h.client.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("friend guard: on by default, off per account, on the logged-in instance", {
    timeout: 30_000,
  }, async () => {
    expect(friendGuardFor({ disableFriendSdk: true }, {})).toBe(true);
    expect(friendGuardFor({ disableFriendSdk: false }, {})).toBe(false);
    expect(friendGuardFor({ disableFriendSdk: false }, { friendGuard: true })).toBe(true);
    const s = await server();
    const noop = () => undefined;
    const handlers: SessionHandlers = {
      onConnecting: noop,
      onConnectSuccess: noop,
      onConnectFailed: noop,
      onTokenEvent: noop,
      onSyncFinish: noop,
      onSyncFailed: noop,
      onMessages: noop,
      onFrame: noop,
      onHandlerError: noop,
    };
    const sessionFor = async (userID: string, friendGuard: boolean) => {
      await loadSdk();
      const account = accountOn(s, userID, userID);
      const session = new SdkSession(
        { ...account, sdkLogLevel: 5, friendGuard, restTimeoutMs: 5000 },
        handlers,
      );
      expect(await session.login(10_000)).toEqual({ kind: "connected" });
      return session;
    };
    const guarded = await sessionFor("fg-on", true);
    const open = await sessionFor("fg-off", false);
    try {
      const onError = await guarded.sdk.addFriend({ toUserID: "x", reqMsg: "" }).catch((e: unknown) => e);
      expect(isFriendApiDisabledError(onError)).toBe(true);
      expect((onError as Error).message).toContain("account=fg-on");
      // Unguarded, the call reaches the server (which answers for itself, not with our error).
      const offError = await open.sdk.addFriend({ toUserID: "x", reqMsg: "" }).catch((e: unknown) => e);
      expect(isFriendApiDisabledError(offError)).toBe(false);
      expect(s.counters.requests["/friend/add_friend"]).toBe(1);
    } finally {
      guarded.retire();
      open.retire();
    }
  });
});
