import { promises as fs } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { acquireAccountLease, gatewaySendHint } from "@multi-openim/token-refresh";
import JSON5 from "json5";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { removeHome, runBin, SAMPLE_CONFIG, sampleHome } from "./test-helpers.js";

let server: DevServer;
let home: string;
let file: string;

beforeAll(async () => {
  server = await startDevServer({ host: "127.0.0.1", wsPort: 0, apiPort: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  ({ home, file } = await sampleHome());
});
afterEach(() => removeHome(home));

function setupArgs(token: string, addresses = { ws: server.wsAddr, api: server.apiAddr }): string[] {
  const id = ["setup", "--non-interactive", "--config", file, "--account", "primary"];
  return [...id, "--ws", addresses.ws, "--api", addresses.api, "--token", token, "--test-timeout-ms", "8000"];
}

/** A TCP listener that accepts and never answers: reachable, but no login can finish. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      srv.close(() => resolve());
    });
  return { port, close };
}

async function closedPort(): Promise<number> {
  const { port, close } = await silentServer();
  await close();
  return port;
}

describe("setup's connection test against a devserver", () => {
  test("an account a gateway holds is refused with the holder and the fix; nobody is logged in or kicked", async () => {
    server.registerUser("leased-bot");
    const token = server.mintToken("leased-bot", { expiresInSec: 3600 });
    const stateDir = join(home, ".openclaw");
    const lease = await acquireAccountLease("primary", {
      dir: join(stateDir, "multi-openim", "leases"),
      holder: "openclaw gateway",
      sendHint: gatewaySendHint,
    });
    try {
      const before = server.counters.logins;
      const r = await runBin(setupArgs(token), {
        home,
        timeoutMs: 30_000,
        env: { OPENCLAW_STATE_DIR: stateDir },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("connection test failed (held)");
      expect(r.stderr).toContain(`held by openclaw gateway (pid ${process.pid}`);
      expect(r.stderr).toContain("a second login would kick it");
      expect(r.stderr).not.toContain(token);
      expect(server.counters.logins).toBe(before);
      expect(await fs.readFile(file, "utf8")).toBe(SAMPLE_CONFIG);
    } finally {
      await lease.release();
    }
    // Released: the same test logs in (and gives the lease back when done).
    const ok = await runBin(setupArgs(token), {
      home,
      timeoutMs: 30_000,
      env: { OPENCLAW_STATE_DIR: stateDir },
    });
    expect(ok.stderr).not.toContain("(held)");
    expect(ok.code).toBe(0);
  });

  test("swapped ws/api ports: said so, naming both addresses, never 'the server refused the login'", async () => {
    server.registerUser("alice");
    const token = server.mintToken("alice", { expiresInSec: 3600 });
    const ws = new URL(server.wsAddr);
    const api = new URL(server.apiAddr);
    const swapped = { ws: `ws://127.0.0.1:${api.port}`, api: `http://127.0.0.1:${ws.port}` };
    const r = await runBin(setupArgs(token, swapped), { home, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("connection test failed (swapped-ports)");
    expect(r.stderr).toContain(`wsAddr ${swapped.ws} answers OpenIM's REST API`);
    expect(r.stderr).not.toContain("refused the login");
    expect(await fs.readFile(file, "utf8")).toBe(SAMPLE_CONFIG);
  }, 40_000);

  test("success: logs in, says who, then writes", async () => {
    server.registerUser("alice");
    const token = server.mintToken("alice", { expiresInSec: 3600 });
    const r = await runBin(setupArgs(token), { home, timeoutMs: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("connected as alice");
    expect(r.stdout + r.stderr).not.toContain(token);
    const accounts = JSON5.parse(await fs.readFile(file, "utf8")).channels["multi-openim"].accounts;
    expect(accounts.primary.token).toBe(token);
  }, 40_000);

  const failures: [
    string,
    () => Promise<{ token: string; ws?: string; api?: string; cleanup?: () => Promise<void> }>,
  ][] = [
    [
      "unreachable",
      async () => {
        const port = await closedPort();
        return { token: server.mintToken("u-unreach"), ws: `ws://127.0.0.1:${port}` };
      },
    ],
    [
      "token-expired",
      async () => {
        server.registerUser("u-exp");
        const token = server.mintToken("u-exp");
        server.expireToken("u-exp");
        return { token };
      },
    ],
    [
      "token-invalid",
      async () => {
        server.registerUser("u-inv");
        const token = server.mintToken("u-inv");
        server.invalidateToken("u-inv");
        return { token };
      },
    ],
    [
      "kicked",
      async () => {
        server.registerUser("u-kick");
        const token = server.mintToken("u-kick");
        server.kick("u-kick");
        return { token };
      },
    ],
    [
      "timeout",
      async () => {
        const silent = await silentServer();
        const token = server.mintToken("u-slow");
        return { token, ws: `ws://127.0.0.1:${silent.port}`, cleanup: silent.close };
      },
    ],
  ];

  test.each(failures)(
    "%s: exact reason, exit 1, file byte-identical",
    async (reason, arrange) => {
      const { token, ws, api, cleanup } = await arrange();
      try {
        const args = setupArgs(token, { ws: ws ?? server.wsAddr, api: api ?? server.apiAddr });
        if (reason === "timeout") args.splice(-1, 1, "2000");
        const r = await runBin(args, { home, timeoutMs: 30_000 });
        expect(r.stderr).toContain(`connection test failed (${reason})`);
        expect(r.code).toBe(1);
        expect(r.stdout + r.stderr).not.toContain(token);
        expect(await fs.readFile(file, "utf8")).toBe(SAMPLE_CONFIG);
      } finally {
        await cleanup?.();
      }
    },
    40_000,
  );
});

test("status --probe connects each account once and reports each", async () => {
  server.registerUser("p-good");
  server.registerUser("p-bad");
  const good = server.mintToken("p-good");
  const bad = server.mintToken("p-bad");
  server.invalidateToken("p-bad");
  const account = (token: string) => ({ token, wsAddr: server.wsAddr, apiAddr: server.apiAddr });
  await fs.writeFile(
    file,
    JSON.stringify({
      channels: { "multi-openim": { accounts: { good: account(good), bad: account(bad) } } },
    }),
  );
  const r = await runBin(["status", "--config", file, "--probe"], { home, timeoutMs: 40_000 });
  expect(r.stdout).toMatch(/^good: user p-good[^\n]*\n[^\n]*\n {2}probe: ok, connected as p-good$/m);
  expect(r.stdout).toMatch(/^bad: user p-bad[^\n]*\n[^\n]*\n {2}probe: FAILED \(token-invalid\)/m);
  expect(r.stdout + r.stderr).not.toContain(good);
  expect(r.stdout + r.stderr).not.toContain(bad);
  expect(r.code).toBe(1);
}, 50_000);
