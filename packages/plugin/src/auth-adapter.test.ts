import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import JSON5 from "json5";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createAuthAdapters } from "./auth-adapter.js";
import { ChannelConfigReader } from "./config.js";

let dev: DevServer;
let dir: string;
beforeAll(async () => {
  dev = await startDevServer();
  dev.registerUser("bot");
  dev.registerUser("other");
  dir = await mkdtemp(join(tmpdir(), "mo-auth-"));
});
afterAll(async () => {
  await dev?.close();
  await rm(dir, { recursive: true, force: true });
});

test("login tests the token over REST, saves it with comments kept and clears the marker; logout forgets it", async () => {
  const file = join(dir, "openclaw.json");
  const marker = join(dir, "marker.json");
  const old = dev.mintToken("bot");
  const text = `{
  // hand-written
  channels: { "multi-openim": {
    tokenRefresh: { mode: "off", manualLoginMarkerPath: ${JSON.stringify(marker)} },
    accounts: {
      a: { token: "${old}", wsAddr: "${dev.wsAddr}", apiAddr: "${dev.apiAddr}" }, // account a
      b: { token: "${dev.mintToken("other")}", wsAddr: "${dev.wsAddr}", apiAddr: "${dev.apiAddr}" },
    },
  } },
}
`;
  await writeFile(file, text);
  await writeFile(join(dir, "marker.a.json"), "{}");
  const cfg = JSON5.parse(text);
  const lines: string[] = [];
  const runtime = { log: (...a: unknown[]) => lines.push(a.join(" ")) };
  let next = "";
  const adapters = createAuthAdapters({
    reader: new ChannelConfigReader(() => undefined),
    env: { OPENCLAW_CONFIG_PATH: file },
    readToken: async () => next,
  });

  next = dev.mintToken("bot");
  dev.invalidateToken("bot", { token: next, drop: false });
  await expect(adapters.auth.login({ cfg, accountId: "a", runtime })).rejects.toThrow(
    /did not accept the token \(token: errCode 1502/,
  );
  next = dev.mintToken("other");
  await expect(adapters.auth.login({ cfg, accountId: "nope", runtime })).rejects.toThrow(
    /no account "nope": pass --account with one of: a, b/,
  );
  await expect(adapters.auth.login({ cfg, accountId: undefined, runtime })).rejects.toThrow(
    /--account is required/,
  );
  expect(await readFile(file, "utf8")).toBe(text);

  const fresh = dev.mintToken("bot");
  next = `${fresh}\n`;
  await adapters.auth.login({ cfg, accountId: "a", runtime });
  const saved = await readFile(file, "utf8");
  expect(saved).toContain("// account a");
  expect(JSON5.parse(saved).channels["multi-openim"].accounts.a.token).toBe(fresh);
  expect(JSON5.parse(saved).channels["multi-openim"].accounts.b).toEqual(
    cfg.channels["multi-openim"].accounts.b,
  );
  await expect(access(join(dir, "marker.a.json"))).rejects.toThrow();
  expect(lines.join("\n")).not.toContain(fresh);

  const out = await adapters.logoutAccount({ cfg: JSON5.parse(saved), accountId: "a", runtime });
  expect(out).toEqual({ cleared: true, loggedOut: true });
  const after = await readFile(file, "utf8");
  expect(after).toContain("// hand-written");
  expect(JSON5.parse(after).channels["multi-openim"].accounts.a).toMatchObject({
    token: "",
    wsAddr: dev.wsAddr,
  });
});

test("admin mode: login mints the token with the admin secret instead of asking, and never prints the secret", async () => {
  const secret = "admin-s3cret-for-login";
  const admin = await startDevServer({ secret });
  try {
    admin.registerUser("minted");
    const file = join(dir, "admin.json");
    const old = admin.mintToken("minted");
    const text = `{
  // admin mode
  channels: { "multi-openim": {
    tokenRefresh: { mode: "admin", admin: { adminUserID: "imAdmin", secretEnv: "MO_TEST_ADMIN_SECRET" } },
    accounts: {
      m: { token: "${old}", wsAddr: "${admin.wsAddr}", apiAddr: "${admin.apiAddr}" }, // minted here
    },
  } },
}
`;
    await writeFile(file, text);
    admin.invalidateToken("minted");
    const cfg = JSON5.parse(text);
    const lines: string[] = [];
    const runtime = { log: (...a: unknown[]) => lines.push(a.join(" ")) };
    const asked: string[] = [];
    const adapters = (env: NodeJS.ProcessEnv) =>
      createAuthAdapters({
        reader: new ChannelConfigReader(() => undefined),
        env,
        readToken: async (id) => {
          asked.push(id);
          return "";
        },
      });

    // A wrong secret: refused by the server, named in the error, the secret itself nowhere.
    const wrong = adapters({ OPENCLAW_CONFIG_PATH: file, MO_TEST_ADMIN_SECRET: "not-the-secret" });
    const refused = await wrong.auth.login({ cfg, accountId: "m", runtime }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/could not mint a token for "m" with tokenRefresh\.admin/);
    expect((refused as Error).message).not.toContain("not-the-secret");
    expect(await readFile(file, "utf8")).toBe(text);

    const logins = admin.counters.logins;
    await adapters({ OPENCLAW_CONFIG_PATH: file, MO_TEST_ADMIN_SECRET: secret }).auth.login({
      cfg,
      accountId: "m",
      runtime,
    });
    expect(asked).toEqual([]);
    const saved = await readFile(file, "utf8");
    expect(saved).toContain("// minted here");
    const token = JSON5.parse(saved).channels["multi-openim"].accounts.m.token as string;
    expect(token).not.toBe(old);
    // The minted token is a real one: the server answers a REST call with it.
    const res = await fetch(`${admin.apiAddr}/user/get_users_info`, {
      method: "POST",
      headers: { "content-type": "application/json", operationID: "t", token },
      body: JSON.stringify({ userIDs: ["minted"] }),
    });
    expect(((await res.json()) as { errCode: number }).errCode).toBe(0);
    expect(admin.counters.logins).toBe(logins);
    const output = lines.join("\n");
    expect(output).toContain('minted a token with the admin secret for "m"');
    expect(output).not.toContain(secret);
    expect(output).not.toContain(token);
  } finally {
    await admin.close();
  }
});
