import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { resolveInboundMedia } from "./inbound-media.js";
import { fetchMedia } from "./media-fetch.js";
import { isBlockedAddress } from "./net-guard.js";
import type { InboundMessage } from "./types.js";

// Audit findings (issue 18): ranges the old blocklist let through, every port of the OpenIM host
// trusted, and the refusal's details put into the agent's text.
test.each([
  "64:ff9b::7f00:1",
  "64:ff9b::a00:1",
  "2002:7f00:1::1",
  "2002:a00:1::1",
  "::7f00:1",
  "::ffff:0:7f00:1",
  "198.18.0.1",
  "198.19.255.254",
  "192.0.0.8",
  "224.0.0.1",
  "239.255.255.250",
  "240.0.0.1",
  "255.255.255.255",
  "fec0::1",
  "ff02::1",
  "ff0e::1",
  "2001::1",
  "2001:db8::1",
  "100.64.0.1",
  "not-an-ip",
])("%s is not global unicast and is refused", (address) => {
  expect(isBlockedAddress(address)).toBe(true);
});

test.each(["93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1"])(
  "%s is global unicast (also when embedded in IPv6) and is allowed",
  (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  },
);

const servers: Server[] = [];
const hits: string[] = [];
async function serve(handler: (url: string) => [number, Record<string, string>, string]): Promise<string> {
  const server = createServer((req, res) => {
    hits.push(`${server.address() && (server.address() as AddressInfo).port}${req.url}`);
    const [status, headers, body] = handler(req.url ?? "");
    res.writeHead(status, headers).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let api = ""; // the account's OpenIM API (apiAddr)
let bucket = ""; // object storage on the same host, another port, handed out by redirect
let admin = ""; // another service on the same host that no one handed out
beforeAll(async () => {
  bucket = await serve(() => [200, { "content-type": "image/png" }, "PNGDATA"]);
  admin = await serve(() => [200, {}, "ADMIN-PANEL-SECRET"]);
  api = await serve((url) =>
    url.startsWith("/object/") ? [302, { location: `${bucket}/b/cat.png` }, ""] : [404, {}, ""],
  );
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const account = () => ({
  apiAddr: api,
  wsAddr: api.replace("http://127.0.0.1", "ws://127.0.0.1").replace(/:\d+$/, ":1"),
});

test("the OpenIM host is trusted on its configured ports only; the bucket it redirects to is trusted for that download", async () => {
  const policy = {
    trustedEndpoints: [new URL(api).host],
    allowHosts: [],
    maxBytes: 1000,
    timeoutMs: 3000,
  };
  const got = await fetchMedia(`${api}/object/cat.png`, policy);
  expect(got.buffer.toString()).toBe("PNGDATA");
  const before = hits.length;
  await expect(fetchMedia(`${admin}/`, policy)).rejects.toMatchObject({ code: "MEDIA_REFUSED" });
  await expect(fetchMedia(`${bucket}/b/cat.png`, policy)).rejects.toMatchObject({ code: "MEDIA_REFUSED" });
  expect(hits.length).toBe(before);
});

test("the agent gets a generic reason; the host and port go to the log only", async () => {
  const warnings: string[] = [];
  const log = { info: () => {}, debug: () => {}, error: () => {}, warn: (m: string) => warnings.push(m) };
  const message = {
    accountId: "a",
    clientMsgID: "c1",
    media: [{ kind: "image", url: `${admin}/probe`, name: "x.png" }],
  } as unknown as InboundMessage;
  const saved: string[] = [];
  const result = await resolveInboundMedia(message, {
    account: account(),
    save: async () => {
      saved.push("x");
      return { id: "x", path: "/nowhere", size: 0 };
    },
    log,
  });
  expect(saved).toEqual([]);
  expect(result.lines).toEqual(["[image: x.png] (not downloaded: not from an allowed host)"]);
  const port = new URL(admin).port;
  expect(result.lines.join("\n")).not.toContain(port);
  expect(warnings.join("\n")).toContain(`127.0.0.1:${port}`);
});
