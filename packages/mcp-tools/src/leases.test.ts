import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAccountClient } from "@multi-openim/client";
import { channelConfigSchema, resolveAccounts } from "@multi-openim/core";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { hasRedisServer, startRedisServer } from "@multi-openim/testkit";
import { acquireAccountLease, acquireLease, gatewaySendHint } from "@multi-openim/token-refresh";
import { afterAll, beforeAll, expect, test } from "vitest";
import { writeOpenClawConfig } from "./test-config.js";

// A connected holder (standing in for the gateway: same lease, same real login) and the real MCP bin.
const BIN = fileURLToPath(new URL("../dist/bin.mjs", import.meta.url));
let server: DevServer;
let dir: string;

beforeAll(async () => {
  server = await startDevServer();
  server.registerUser("bot-l", { nickname: "Bot" });
  dir = await mkdtemp(path.join(os.tmpdir(), "mcp-leases-"));
}, 20_000);
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("an MCP server started while the gateway holds an account refuses it, names the holder and the fix, kicks nobody", {
  timeout: 40_000,
}, async () => {
  const config = path.join(dir, "openclaw.json");
  const channel = {
    tokenRefresh: { mode: "off", manualLoginMarkerPath: path.join(dir, "manual-login.json") },
    accounts: {
      primary: { token: server.mintToken("bot-l"), wsAddr: server.wsAddr, apiAddr: server.apiAddr },
    },
  };
  await writeOpenClawConfig(config, channel);
  const lease = await acquireAccountLease("primary", {
    dir: path.join(dir, "multi-openim", "leases"),
    holder: "openclaw gateway",
  });
  const account = resolveAccounts(channelConfigSchema.parse(channel)).accounts[0]!;
  const holder = createAccountClient(account, {
    tokenRefresher: {
      refresh: async () => ({
        ok: false,
        code: "REFRESH_DISABLED",
        message: "",
        markerPath: "",
        retryable: false,
      }),
    },
  });
  expect(await holder.start()).toMatchObject({ connected: true });
  const mcp = spawn(process.execPath, [BIN, "--config", config], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, OPENCLAW_STATE_DIR: dir },
  });
  let stderr = "";
  mcp.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    for (let i = 0; i < 300 && !stderr.includes("serving"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain(`account "primary" is held by openclaw gateway (pid ${process.pid}`);
    expect(stderr).toContain(gatewaySendHint("primary"));
    expect(stderr).toContain("serving 0 account(s)");
    await new Promise((r) => setTimeout(r, 1500));
    expect(holder.status()).toMatchObject({ connected: true, reconnects: 0, auth: "ok" });
  } finally {
    mcp.stdin.end();
    await new Promise((r) => mcp.once("exit", r));
    await holder.stop();
    await lease.release();
  }
});

const hasRedis = hasRedisServer;

test.skipIf(!hasRedis)(
  "with store redis (a password in the URL) the gateway's Redis lease is honoured and the password never printed",
  { timeout: 40_000 },
  async () => {
    const password = "redis-pw-5ecret";
    const redis = await startRedisServer({ password });
    const { url } = redis;
    try {
      const config = path.join(dir, "openclaw-redis.json");
      const store = { kind: "redis" as const, url };
      await writeOpenClawConfig(config, {
        store,
        tokenRefresh: { mode: "off", manualLoginMarkerPath: path.join(dir, "manual-login.json") },
        accounts: {
          fleet: { token: server.mintToken("bot-l"), wsAddr: server.wsAddr, apiAddr: server.apiAddr },
        },
      });
      // Held by a gateway on "another machine": only Redis is shared, not the lease folder.
      const lease = await acquireLease("fleet", {
        dir: path.join(dir, "other-machine"),
        holder: "openclaw gateway",
        sendHint: gatewaySendHint,
        store,
      });
      const logins = server.counters.logins;
      const mcp = spawn(process.execPath, [BIN, "--config", config], {
        env: { PATH: process.env.PATH ?? "", HOME: dir, OPENCLAW_STATE_DIR: dir },
      });
      let stderr = "";
      mcp.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      try {
        for (let i = 0; i < 300 && !stderr.includes("serving"); i++)
          await new Promise((r) => setTimeout(r, 50));
        expect(stderr).toContain(`account "fleet" is held by openclaw gateway (pid ${process.pid}`);
        expect(stderr).toContain("serving 0 account(s)");
        expect(server.counters.logins).toBe(logins);
        expect(stderr).not.toContain(password);
      } finally {
        mcp.stdin.end();
        await new Promise((r) => mcp.once("exit", r));
        await lease.release();
      }
    } finally {
      redis.stop();
    }
  },
);
