// A plain Node service that keeps one account's OpenIM token fresh, with no OpenClaw and no SDK.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenRefresher, tokenExpiresAt } from "@multi-openim/token-refresh";

// 1. A stand-in for your auth backend: trades a refresh token for a new OpenIM token and rotates it.
let issued = 0;
const auth = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const { refreshToken } = JSON.parse(body);
    if (refreshToken !== `rt-${issued}`) return res.writeHead(401).end('{"error":"bad refresh token"}');
    issued += 1;
    const claims = { UserID: "alice", exp: Math.floor(Date.now() / 1000) + 3600 };
    const jwt = ["{}", JSON.stringify(claims), "sig"]
      .map((p) => Buffer.from(p).toString("base64url"))
      .join(".");
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ data: { token: jwt, refreshToken: `rt-${issued}` } }));
  });
});
await new Promise((resolve) => auth.listen(0, "127.0.0.1", resolve));
const authUrl = `http://127.0.0.1:${auth.address().port}`;

// 2. The state file holds each account's refresh token; the engine reads it and saves the rotated one.
const dir = await mkdtemp(join(tmpdir(), "keep-fresh-"));
const stateFile = join(dir, "tokens.json");
await writeFile(stateFile, JSON.stringify({ primary: { refresh_token: "rt-0" } }), { mode: 0o600 });

// 3. The refresher: the same `tokenRefresh` block the OpenClaw channel reads from openclaw.json.
const refresher = createTokenRefresher({
  tokenRefresh: {
    mode: "http",
    manualLoginMarkerPath: join(dir, "manual-login.json"),
    http: {
      stateFile,
      endpoint: `${authUrl}/refresh`,
      body: { refreshToken: "{state.refresh_token}" },
      responseTokenPath: ["data.token", "token"],
      stateWriteBack: { refresh_token: "data.refreshToken" },
    },
  },
  // Where your service keeps its current token (the channel patches openclaw.json instead).
  persistToken: (accountId, token) => writeFile(join(dir, `${accountId}.token`), token, { mode: 0o600 }),
  onRefreshSuccess: ({ accountId, attempts }) =>
    console.log(`metrics: ${accountId} refreshed (${attempts} attempt)`),
  logger: console,
  proactiveMarginMs: 5 * 60_000,
});

// 4. Refresh now (e.g. at startup or when the server says 1501), then keep it fresh before `exp`.
const result = await refresher.refresh("primary", "startup");
if (!result.ok) {
  console.error(`refresh failed with ${result.code}; a human should look at ${result.markerPath}`);
  process.exit(1);
}
const nextAt = refresher.scheduleRefresh("primary", tokenExpiresAt(result.token));
const saved = JSON.parse(await readFile(stateFile, "utf8"));
console.log(`token ok; rotated refresh token saved: ${saved.primary.refresh_token === "rt-1"}`);
console.log(`next refresh in ${Math.round((nextAt - Date.now()) / 60_000)} minutes`);

// A real service keeps running and the planned refreshes follow one another; this demo stops here.
refresher.dispose();
auth.close();
