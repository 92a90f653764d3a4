import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fetchMedia, type MediaFetchOptions } from "./media-fetch.js";
import { isBlockedAddress, openimEndpointsOf } from "./net-guard.js";

const servers: Server[] = [];
const hits: string[] = [];
async function serve(host: string, handler: RequestListener): Promise<string> {
  const server = createServer((req, res) => {
    hits.push(`${host}${req.url}`);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

const payload = Buffer.alloc(50_000, 7);
let openim = ""; // plays the OpenIM server's host (127.0.0.2)
let other = ""; // a loopback host that is NOT the OpenIM host (127.0.0.1)

beforeAll(async () => {
  openim = await serve("127.0.0.2", (req, res) => {
    if (req.url === "/img.png") res.writeHead(200, { "content-type": "image/png" }).end(payload);
    else if (req.url === "/hop") res.writeHead(302, { location: "/img.png" }).end();
    else if (req.url === "/to-loopback") res.writeHead(302, { location: `${other}/secret` }).end();
    else if (req.url === "/big")
      res.writeHead(200, { "content-length": "3000000" }).end(Buffer.alloc(3_000_000));
    else if (req.url === "/big-chunked") {
      res.writeHead(200);
      for (let i = 0; i < 30; i++) res.write(Buffer.alloc(100_000));
      res.end();
    } else if (req.url === "/hang") res.writeHead(200).write("x");
    else res.writeHead(404).end();
  });
  other = await serve("127.0.0.1", (_req, res) => res.writeHead(200).end("secret"));
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const policy = (extra: Partial<MediaFetchOptions> = {}): MediaFetchOptions => ({
  trustedEndpoints: [openim.replace("http://", "")],
  allowHosts: [],
  maxBytes: 1_000_000,
  timeoutMs: 3000,
  ...extra,
});

describe("fetchMedia", () => {
  test("downloads from the account's own OpenIM host, following a same-host redirect", async () => {
    const got = await fetchMedia(`${openim}/hop`, policy());
    expect(got.buffer.equals(payload)).toBe(true);
    expect(got.contentType).toBe("image/png");
    expect(got.fileName).toBe("img.png");
  });

  test("refuses other hosts, private addresses, metadata IPs and file:// without a request", async () => {
    const before = hits.length;
    await expect(fetchMedia(`${other}/x`, policy())).rejects.toThrow(
      /127\.0\.0\.1:\d+ is not the account's OpenIM server/,
    );
    // Even when listed in mediaAllowHosts, loopback is refused unless it is the OpenIM host itself.
    await expect(fetchMedia(`${other}/x`, policy({ allowHosts: ["127.0.0.1"] }))).rejects.toThrow(
      /non-public/,
    );
    await expect(
      fetchMedia("http://169.254.169.254/latest/meta-data", policy({ allowHosts: ["169.254.169.254"] })),
    ).rejects.toThrow(/non-public/);
    await expect(fetchMedia("file:///etc/passwd", policy())).rejects.toThrow(/scheme file: refused/);
    await expect(fetchMedia("gopher://127.0.0.2/", policy())).rejects.toMatchObject({
      code: "MEDIA_REFUSED",
    });
    // A name in mediaAllowHosts that resolves to a private address is refused too.
    const lookup = async () => [{ address: "10.1.2.3", family: 4 }];
    await expect(
      fetchMedia("http://cdn.example/x.png", policy({ allowHosts: ["cdn.example"], lookup })),
    ).rejects.toThrow(/10\.1\.2\.3/);
    expect(hits.length).toBe(before);
  });

  test("a redirect to loopback is checked hop by hop and refused", async () => {
    const before = hits.filter((h) => h.startsWith("127.0.0.1")).length;
    await expect(fetchMedia(`${openim}/to-loopback`, policy())).rejects.toThrow(/127\.0\.0\.1/);
    expect(hits.filter((h) => h.startsWith("127.0.0.1")).length).toBe(before);
  });

  test("oversize files are refused by Content-Length and by counted bytes; a stalled download times out", async () => {
    await expect(fetchMedia(`${openim}/big`, policy())).rejects.toThrow(/too large: 3000000 bytes/);
    await expect(fetchMedia(`${openim}/big-chunked`, policy())).rejects.toThrow(/too large/);
    await expect(fetchMedia(`${openim}/hang`, policy({ timeoutMs: 300 }))).rejects.toThrow(/timed out/);
  });

  test("the connection is pinned to the checked address (a name resolved once, by our lookup)", async () => {
    const port = new URL(openim).port;
    const lookup = async () => [{ address: "127.0.0.2", family: 4 }];
    const got = await fetchMedia(
      `http://openim.test:${port}/img.png`,
      policy({ trustedEndpoints: [`openim.test:${port}`], lookup }),
    );
    expect(got.buffer.length).toBe(payload.length);
  });
});

test("blocked ranges and OpenIM hosts", () => {
  for (const a of [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.5",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
  ])
    expect(isBlockedAddress(a), a).toBe(true);
  for (const a of ["93.184.216.34", "172.32.0.1", "2606:4700::1111"])
    expect(isBlockedAddress(a), a).toBe(false);
  expect(
    openimEndpointsOf({ apiAddr: "http://IM.example.com:10002", wsAddr: "wss://ws.example.com/ws" }),
  ).toEqual(["im.example.com:10002", "ws.example.com:443"]);
});
