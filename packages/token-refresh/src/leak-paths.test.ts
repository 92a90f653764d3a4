import { readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { MAX_RESPONSE_BYTES } from "./http-fetch.js";
import { createTokenRefresher } from "./refresher.js";
import { captureLogger, useAuthFixtures } from "./test-fixtures.js";

// Audit findings (issue 18): echoed endpoints, previews cut mid-secret, throwing hooks, redirects, huge bodies.
const { dir, serve } = useAuthFixtures({
  reset: () => {
    globalThis.__multiOpenimTokenRefresher = undefined;
  },
});
const rawServers: Server[] = [];
afterEach(async () => {
  await Promise.all(rawServers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function everythingWritten(lines: string[], results: unknown[], events: string[]): Promise<string> {
  const markers: string[] = [];
  for (const name of await readdir(dir.path)) {
    if (name.startsWith("ml.")) markers.push(await readFile(dir.join(name), "utf8"));
  }
  return [
    ...lines.filter((l) => !l.startsWith("debug")),
    ...markers,
    ...events,
    JSON.stringify(results),
  ].join("\n");
}

test("state values substituted into the endpoint and literal query values never reach results, markers or logs", async () => {
  const rt = "plain/rt+value=9f8e7d6c5b";
  const literal = "LITERAL-ACCESS-0123456789";
  const server = await serve((req) => ({
    status: 500,
    body: `bad ${req.url} ${JSON.stringify({ url: req.url }).replaceAll("/", "\\/")} ${decodeURIComponent(req.url)}`,
  }));
  const stateFile = dir.join("state.json");
  // "rt" does not look like a secret's name: it is one because it is substituted.
  await writeFile(stateFile, JSON.stringify({ acct: { rt } }));
  const { logger, lines } = captureLogger();
  const events: string[] = [];
  const refresher = createTokenRefresher({
    logger,
    backoff: { retries: 0 },
    onRefreshFailure: (event) => events.push(JSON.stringify(event)),
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("ml.json"),
      http: {
        stateFile,
        endpoint: `${server.url}/refresh?rt={state.rt}&access_token=${literal}`,
        responseTokenPath: "token",
      },
    },
  });
  const result = await refresher.refresh("acct", "OnUserTokenExpired");
  expect(result).toMatchObject({
    ok: false,
    code: "REFRESH_HTTP_STATUS",
    message: expect.stringMatching(/HTTP 500$/),
  });
  expect(server.requests[0]?.url).toContain(encodeURIComponent(rt).slice(0, 5));
  const written = await everythingWritten(lines, [result], events);
  for (const piece of ["plain/rt", "plain\\/rt", "plain%2Frt", "9f8e7d6c5b", literal]) {
    expect(written.includes(piece), piece).toBe(false);
  }
  // The body goes, redacted, to the debug log only.
  const debug = lines.filter((l) => l.startsWith("debug") && l.includes("HTTP 500"));
  expect(debug.join("\n")).toContain("[redacted]");
  expect(debug.join("\n")).not.toContain("9f8e7d6c5b");
});

test("a secret straddling the 300-character preview cut leaves none of its characters in the debug preview", async () => {
  const refreshToken = "RT-STRADDLE-abcdefghijklmnopqrstuvwxyz";
  const server = await serve(() => ({ status: 401, body: `${"x".repeat(290)}${refreshToken}` }));
  const stateFile = dir.join("state.json");
  await writeFile(stateFile, JSON.stringify({ acct: { refresh_token: refreshToken } }));
  const { logger, lines } = captureLogger();
  const refresher = createTokenRefresher({
    logger,
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("ml.json"),
      http: {
        stateFile,
        endpoint: `${server.url}/r`,
        body: { rt: "{state.refresh_token}" },
        responseTokenPath: "t",
      },
    },
  });
  const result = await refresher.refresh("acct", "r");
  expect(result).toMatchObject({ ok: false, code: "REFRESH_HTTP_STATUS" });
  expect(lines.some((l) => l.startsWith("debug") && l.includes("xxxx[redacted]"))).toBe(true);
  expect(lines.join("\n")).not.toContain("RT-STRADDLE");
});

test("a hook that throws with a token in its message reports only the error's code or name", async () => {
  const token = "HOOK-LEAK-not-registered-42";
  globalThis.__multiOpenimTokenRefresher = () => {
    throw Object.assign(new Error(`upstream refused refresh token ${token}`), { code: "EREFUSED" });
  };
  const { logger, lines } = captureLogger();
  const events: string[] = [];
  const refresher = createTokenRefresher({
    logger,
    onRefreshFailure: (event) => events.push(JSON.stringify(event)),
    tokenRefresh: { mode: "hook", manualLoginMarkerPath: dir.join("ml.json") },
  });
  const result = await refresher.refresh("acct", "r");
  expect(result).toMatchObject({
    ok: false,
    code: "REFRESH_HOOK_FAILED",
    message: expect.stringContaining("EREFUSED"),
  });
  expect(await everythingWritten(lines, [result], events)).not.toContain("HOOK-LEAK");
});

test("a redirect is an error naming its status; the body and headers are never re-sent", async () => {
  const elsewhere = await serve(() => ({ body: { token: "STOLEN" } }));
  const redirecting = await rawServer((_req, res) => {
    res.writeHead(307, { location: `${elsewhere.url}/steal` }).end();
  });
  const refresher = createTokenRefresher({
    backoff: { retries: 0 },
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("ml.json"),
      http: {
        endpoint: `${redirecting}/refresh`,
        headers: { "x-custom": "CUSTOM-HEADER-VALUE" },
        body: { refreshToken: "RT-REDIRECT-1" },
        responseTokenPath: "token",
      },
    },
  });
  const result = await refresher.refresh("acct", "r");
  expect(result).toMatchObject({
    ok: false,
    code: "REFRESH_HTTP_STATUS",
    message: expect.stringContaining("307"),
  });
  expect(elsewhere.requests).toEqual([]);
});

test("a response over the cap is refused without reading it whole", async () => {
  let sent = 0;
  const huge = await rawServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      // Bounded: 64 MiB at most, stopped as soon as the client goes away.
      while (!res.destroyed && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    res.on("close", () => {
      sent = Number.POSITIVE_INFINITY;
    });
    pump();
  });
  const refresher = createTokenRefresher({
    backoff: { retries: 0 },
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("ml.json"),
      http: { endpoint: `${huge}/r`, responseTokenPath: "t" },
    },
  });
  const result = await refresher.refresh("acct", "r");
  expect(result).toMatchObject({
    ok: false,
    code: "REFRESH_BAD_JSON",
    message: expect.stringContaining(`${MAX_RESPONSE_BYTES / 1024} KiB`),
  });
});

test("a literal header with any name but a standard one, and a literal client_secret, are redacted in the debug body", async () => {
  const server = await serve((req) => ({
    status: 500,
    body: `echo ${JSON.stringify(req.headers)} ${req.body}`,
  }));
  const { logger, lines } = captureLogger();
  const refresher = createTokenRefresher({
    logger,
    backoff: { retries: 0 },
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("ml.json"),
      http: {
        endpoint: `${server.url}/r`,
        headers: { "x-admin": "ADMIN-LITERAL-0042", accept: "application/json" },
        body: { client_secret: "CLIENT-SECRET-LITERAL-77", grant_type: "refresh_token" },
        responseTokenPath: "token",
      },
    },
  });
  expect(await refresher.refresh("acct", "r")).toMatchObject({ ok: false, code: "REFRESH_HTTP_STATUS" });
  const all = lines.join("\n");
  expect(all).toContain("[redacted]");
  expect(all).not.toContain("ADMIN-LITERAL");
  expect(all).not.toContain("CLIENT-SECRET-LITERAL");
});
