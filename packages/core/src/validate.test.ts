import { describe, expect, test } from "vitest";
import { validateChannelConfig } from "./validate.js";

const account = { token: "t", wsAddr: "ws://127.0.0.1:10001", apiAddr: "http://127.0.0.1:10002" };

describe("validateChannelConfig", () => {
  test("applies the SCHEMA.md defaults", () => {
    const { config, warnings, errors } = validateChannelConfig({ accounts: { primary: account } });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      enabled: true,
      healthCheckIntervalMinutes: 30,
      disableFriendSdk: true,
      tokenRefresh: { mode: "hook" },
      store: { kind: "file" },
      mediaMaxMb: 20,
      mediaLocalRoots: [],
      mediaAllowHosts: [],
      historyLimit: 50,
      replyToMode: "off",
      accounts: { primary: { ...account, enabled: true, inboundWhitelist: [] } },
    });
  });

  test("http refresh defaults: POST, 15000 ms", () => {
    const { config } = validateChannelConfig({
      tokenRefresh: { mode: "http", http: { endpoint: "http://a/r", responseTokenPath: ["a.b", "c"] } },
      accounts: { primary: account },
    });
    expect(config?.tokenRefresh).toEqual({
      mode: "http",
      http: { endpoint: "http://a/r", responseTokenPath: ["a.b", "c"], method: "POST", timeoutMs: 15000 },
    });
  });

  test.each(["token", "wsAddr", "apiAddr", "userID", "platformID"])(
    "channel-level %s is a warning and ignored",
    (field) => {
      const value = field === "platformID" ? 5 : "x";
      const { config, warnings, errors } = validateChannelConfig({
        [field]: value,
        accounts: { primary: account },
      });
      expect(errors).toEqual([]);
      expect(warnings).toEqual([
        {
          path: `channels.multi-openim.${field}`,
          message: expect.stringContaining(`accounts.<id>.${field}`),
        },
      ]);
      expect(config).not.toHaveProperty(field);
    },
  );

  test.each([
    [{ endpoint: "http://a/r" }, "responseTokenPath"],
    [{ responseTokenPath: "token" }, "endpoint"],
    [undefined, "endpoint and responseTokenPath"],
  ])("mode http without %j downgrades to off with a warning", (http, missing) => {
    const { config, warnings } = validateChannelConfig({
      tokenRefresh: { mode: "http", http },
      accounts: { primary: account },
    });
    expect(config?.tokenRefresh.mode).toBe("off");
    expect(warnings).toEqual([
      {
        path: "channels.multi-openim.tokenRefresh.http",
        message: expect.stringContaining(`needs ${missing}`),
      },
    ]);
  });

  test('an account named "default" is warned about', () => {
    const { warnings, config } = validateChannelConfig({ accounts: { default: account } });
    expect(warnings[0]).toMatchObject({ path: "channels.multi-openim.accounts.default" });
    expect(warnings[0]!.message).toMatch(/not a fallback/);
    expect(config?.accounts.default).toBeDefined();
  });

  test("missing block, missing accounts and empty accounts are errors naming the field", () => {
    expect(validateChannelConfig(undefined).errors[0]!.path).toBe("channels.multi-openim");
    const noAccounts = validateChannelConfig({});
    expect(noAccounts.config).toBeNull();
    expect(noAccounts.errors).toEqual([
      { path: "channels.multi-openim.accounts", message: expect.stringContaining("no default account") },
    ]);
    expect(validateChannelConfig({ accounts: {} }).errors[0]!.message).toMatch(/at least one/);
  });

  test("a bad channel-level value makes the block unusable and names the field", () => {
    const { config, errors } = validateChannelConfig({
      healthCheckIntervalMinutes: 0,
      accounts: { primary: account },
    });
    expect(config).toBeNull();
    expect(errors[0]!.path).toBe("channels.multi-openim.healthCheckIntervalMinutes");
  });

  test("unknown keys are rejected with their path", () => {
    const { errors } = validateChannelConfig({ accounts: { primary: { ...account, wsadr: "x" } } });
    expect(errors).toEqual([
      { path: "channels.multi-openim.accounts.primary", message: expect.stringContaining("wsadr") },
    ]);
  });

  test("an error in one account drops only that account", () => {
    const { config, errors } = validateChannelConfig({
      accounts: { primary: account, broken: { ...account, platformID: "five" }, "../evil": account },
    });
    expect(Object.keys(config!.accounts)).toEqual(["primary"]);
    expect(errors.map((e) => e.path)).toEqual([
      "channels.multi-openim.accounts.broken.platformID",
      "channels.multi-openim.accounts",
    ]);
    expect(errors[1]!.message).toMatch(/"..\/evil" contains a path separator/);
  });

  test("never echoes a token in an error", () => {
    const secret = "eyJhbGciOiJIUzI1NiJ9.eyJVc2VySUQiOiJib3QifQ.sig-secret-value";
    const { errors } = validateChannelConfig({
      accounts: { primary: { ...account, token: 42, extra: secret } },
    });
    expect(JSON.stringify(errors)).not.toContain(secret);
  });

  test("store: file by default, redis with a url; a bad store names the field and the fix, never the password", () => {
    const redis = { kind: "redis", url: "redis://:s3cret-pass@127.0.0.1:6379/2", leaseTtlMs: 5000 };
    expect(validateChannelConfig({ store: redis, accounts: { primary: account } }).config?.store).toEqual(
      redis,
    );
    const wrongKind = validateChannelConfig({ store: { kind: "memcached" }, accounts: { primary: account } });
    expect(wrongKind.config).toBeNull();
    expect(wrongKind.errors).toEqual([
      {
        path: "channels.multi-openim.store.kind",
        message: expect.stringContaining('"file" (default) or "redis"'),
      },
    ]);
    const badUrl = validateChannelConfig({
      store: { kind: "redis", url: "http://:s3cret-pass@127.0.0.1:6379" },
      accounts: { primary: account },
    });
    expect(badUrl.errors).toEqual([
      { path: "channels.multi-openim.store.url", message: expect.stringContaining("redis://") },
    ]);
    const shortTtl = validateChannelConfig({
      store: { kind: "redis", url: "redis://127.0.0.1:6379", leaseTtlMs: 10 },
      accounts: { primary: account },
    });
    expect(shortTtl.errors[0]?.path).toBe("channels.multi-openim.store.leaseTtlMs");
    expect(JSON.stringify([wrongKind, badUrl, shortTtl])).not.toContain("s3cret-pass");
  });

  test("alerts.webhook must be an http(s) URL", () => {
    const ok = validateChannelConfig({
      alerts: { webhook: "https://ops.example.com/hook", retries: 2 },
      accounts: { primary: account },
    });
    expect(ok.config?.alerts).toEqual({ webhook: "https://ops.example.com/hook", retries: 2 });
    const bad = validateChannelConfig({
      alerts: { webhook: "ops.example.com" },
      accounts: { primary: account },
    });
    expect(bad.errors).toEqual([
      { path: "channels.multi-openim.alerts.webhook", message: expect.stringContaining("https://") },
    ]);
  });
});
