import { afterEach, describe, expect, test } from "vitest";
import { installFileReader } from "./file-reader.js";
import { type DevServer, startDevServer } from "./server.js";
import { loginClient, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

describe("real SDK: object upload", () => {
  test("uploadFile goes part_size → initiate → signed PUT → complete, and the URL serves the bytes", async () => {
    installFileReader();
    server = await startDevServer();
    const bot = await loginClient(server, "bot");
    const bytes = new TextEncoder().encode("hello upload ".repeat(100));
    const file = new File([bytes], "hello.txt", { type: "text/plain" });
    const { data } = await bot.sdk.uploadFile({
      name: "hello.txt",
      contentType: "text/plain",
      uuid: "u-1",
      file,
    });
    expect(data.url).toBe(`${server.apiAddr}/object/bot/hello.txt`);
    const res = await fetch(data.url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    for (const route of [
      "/object/part_size",
      "/object/initiate_multipart_upload",
      "/object/complete_multipart_upload",
      "PUT /devserver-object/part",
    ]) {
      expect(server.counters.requests[route]).toBe(1);
    }
    expect(server.unknownRoutes).toEqual([]);
  });

  test("a file message from a local file uploads it and sends its URL", async () => {
    installFileReader();
    server = await startDevServer();
    server.registerUser("alice");
    const bot = await loginClient(server, "bot");
    const file = new File([new Uint8Array([1, 2, 3, 4])], "data.bin", { type: "application/octet-stream" });
    const { data: message } = await bot.sdk.createFileMessageByFile({
      filePath: "",
      fileName: "data.bin",
      uuid: "u-2",
      sourceUrl: "",
      fileSize: 4,
      fileType: "application/octet-stream",
      file,
    });
    await bot.sdk.sendMessage({ recvID: "alice", groupID: "", message });
    const sent = await server.waitForMessage((m) => m.sendID === "bot" && m.contentType === 105, 5000);
    const url = (sent.elem as { sourceUrl: string }).sourceUrl;
    expect(url).toBe(`${server.apiAddr}/object/bot/data.bin`);
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  test("a PUT with a bad signature is refused", async () => {
    server = await startDevServer();
    const res = await fetch(
      `${server.apiAddr}/devserver-object/part/nope/1?expires=${Date.now() + 1000}&sig=00`,
      { method: "PUT", body: "x" },
    );
    expect(res.status).toBe(403);
  });
});
