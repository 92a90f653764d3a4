import { request } from "node:http";
import { afterEach, expect, test } from "vitest";
import { isLoopbackHost } from "./control-http.js";
import { type DevServer, startDevServer } from "./server.js";
import { teardown } from "./test-sdk.js";

// Audit finding (issue 18): the controls accepted any Host and Origin and text/plain bodies, so a local
// browser page could mint tokens by DNS rebinding or a simple form post.
let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

function post(
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, server!.apiAddr);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const mint = JSON.stringify({ userID: "bot", platformID: 5 });

test.each([
  ["a rebinding name in Host", { host: "evil.example:80", "content-type": "application/json" }],
  ["a form post", { "content-type": "application/x-www-form-urlencoded" }],
  ["a text/plain body", { "content-type": "text/plain" }],
  ["no content type", {}],
  ["a foreign Origin", { origin: "http://evil.example", "content-type": "application/json" }],
  ["an opaque Origin", { origin: "null", "content-type": "application/json" }],
] as const)("%s cannot mint a token", async (_name, headers) => {
  server = await startDevServer();
  server.registerUser("bot");
  const answer = await post("/devserver/mintToken", { ...headers }, mint);
  expect(answer.status).toBe(403);
  expect(answer.text).not.toMatch(/eyJ/);
  expect(server.counters.requests["/devserver/mintToken"]).toBeUndefined();
});

test("a JSON post with a loopback Host (and a loopback Origin) still works", async () => {
  server = await startDevServer();
  server.registerUser("bot");
  const port = new URL(server.apiAddr).port;
  for (const headers of <Record<string, string>[]>[
    { "content-type": "application/json; charset=utf-8" },
    { "content-type": "application/json", host: `localhost:${port}`, origin: `http://localhost:${port}` },
  ]) {
    const answer = await post("/devserver/mintToken", headers, mint);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).data.token).toMatch(/^eyJ/);
  }
});

test("loopback Host names", () => {
  for (const host of ["127.0.0.1", "127.0.0.1:8080", "localhost:1", "[::1]:9", "LOCALHOST"]) {
    expect(isLoopbackHost(host), host).toBe(true);
  }
  for (const host of [
    undefined,
    "",
    "evil.example",
    "127.0.0.1.evil.example",
    "[::2]:1",
    "localhost.evil:1",
  ]) {
    expect(isLoopbackHost(host), String(host)).toBe(false);
  }
});
