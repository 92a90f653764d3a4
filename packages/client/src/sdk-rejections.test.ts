import { expect, test } from "vitest";
import { createSdkInstance, failPendingRequests, loadSdk } from "./sdk-loader.js";
import { guardSdkRejections, isSdkInternalRejection } from "./sdk-rejections.js";

test("recognises what the SDK rejects with, and nothing else", async () => {
  await loadSdk();
  const sdk = createSdkInstance();
  // Logged out, the SDK's call wrapper rejects with its plain {event, operationID, errCode, errMsg} object.
  const reason = await sdk.getConversationListSplit({ offset: 0, count: 1 }).catch((e: unknown) => e);
  expect(isSdkInternalRejection(reason)).toBe(true);
  expect(isSdkInternalRejection(new Error("an app bug"))).toBe(false);
  expect(isSdkInternalRejection({ errCode: 1 })).toBe(false);
  expect(isSdkInternalRejection("text")).toBe(false);
  // Our own release of hung SDK requests is marked as such.
  const internals = sdk as unknown as {
    requestMap: Map<string, { resolve(v: unknown): void; reject(e: unknown): void }>;
  };
  const released = new Promise((resolve, reject) => internals.requestMap.set("x", { resolve, reject })).catch(
    (e: unknown) => e,
  );
  expect(failPendingRequests(sdk, "gone")).toBe(1);
  expect(isSdkInternalRejection(await released)).toBe(true);
});

test("the guard is installed once while used and removed after the last release", () => {
  const before = process.listenerCount("unhandledRejection");
  const logged: string[] = [];
  const release1 = guardSdkRejections((m) => logged.push(m));
  const release2 = guardSdkRejections(() => undefined);
  expect(process.listenerCount("unhandledRejection")).toBe(before + 1);
  process.emit(
    "unhandledRejection",
    { event: "x", operationID: "o", errCode: 10006, errMsg: "token expired" },
    Promise.resolve(),
  );
  expect(logged[0]).toContain("token expired");
  release1();
  release1();
  expect(process.listenerCount("unhandledRejection")).toBe(before + 1);
  release2();
  expect(process.listenerCount("unhandledRejection")).toBe(before);
});
