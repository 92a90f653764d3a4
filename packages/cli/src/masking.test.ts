import { promises as fs } from "node:fs";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, expect, test } from "vitest";
import { renderDiff } from "./preview.js";
import { fakeJwt, removeHome, tempHome } from "./test-helpers.js";
import { runValidate } from "./validate.js";

// Audit findings (issue 18): previews printed literal tokenRefresh secrets and URL queries; validate
// printed a token pasted into wsAddr.
let home: string;
beforeEach(async () => {
  home = await tempHome();
});
afterEach(() => removeHome(home));

const token = fakeJwt({ UserID: "bot", PlatformID: 5, exp: 4102444800 });
const SECRETS = {
  endpointQuery: "RT-LITERAL-QUERY-1111",
  header: "HEADER-VALUE-2222",
  body: "BODY-VALUE-3333",
  wsQuery: "WS-QUERY-TOKEN-4444",
  opaque: "opaque-pasted-token-5555",
};

test("a setup diff masks every tokenRefresh header and body value and every URL query value", () => {
  const before = `{ channels: { "multi-openim": { accounts: {} } } }\n`;
  const after = JSON.stringify(
    {
      channels: {
        "multi-openim": {
          accounts: {
            a: {
              token,
              wsAddr: `wss://im.example.com/ws?token=${SECRETS.wsQuery}`,
              apiAddr: "https://im.example.com",
            },
          },
          tokenRefresh: {
            mode: "http",
            http: {
              endpoint: `https://auth.example.com/refresh?rt=${SECRETS.endpointQuery}`,
              headers: { "x-tenant": SECRETS.header },
              body: { nested: [{ value: SECRETS.body }] },
              responseTokenPath: "data.token",
            },
          },
        },
      },
    },
    null,
    2,
  );
  const diff = renderDiff("openclaw.json", before, after, [token]);
  expect(diff).toContain("+");
  expect(diff).toContain("auth.example.com/refresh?rt=");
  for (const [name, secret] of Object.entries({ ...SECRETS, token })) {
    if (name === "opaque") continue;
    expect(diff.includes(secret), name).toBe(false);
  }
});

test("validate never prints a value pasted into wsAddr, JWT or not", async () => {
  const file = `${home}/openclaw.json`;
  await fs.writeFile(
    file,
    JSON.stringify({
      channels: {
        "multi-openim": {
          accounts: {
            a: { token, wsAddr: token, apiAddr: "http://127.0.0.1:1" },
            b: { token, wsAddr: SECRETS.opaque, apiAddr: "http://127.0.0.1:1" },
            c: { token, wsAddr: `ws://127.0.0.1:1/?token=${SECRETS.wsQuery}`, apiAddr: "nope" },
          },
        },
      },
    }),
  );
  for (const json of [false, true]) {
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: { HOME: home } };
    await runValidate({ config: file, json }, io);
    expect(out).toMatch(/wsAddr/);
    for (const secret of [token, SECRETS.opaque, SECRETS.wsQuery, token.slice(10, 50)]) {
      expect(out.includes(secret), `${secret} (json=${json})`).toBe(false);
    }
  }
});
