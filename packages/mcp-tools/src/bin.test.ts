import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MULTI_OPENIM_TOOL_NAMES } from "./names.js";
import { writeOpenClawConfig } from "./test-config.js";

// The built bin, driven as Claude Desktop would: spawned over stdio, against a real devserver.
const BIN = fileURLToPath(new URL("../dist/bin.mjs", import.meta.url));

let server: DevServer;
let dir: string;
let token: string;

beforeAll(async () => {
  server = await startDevServer();
  server.registerUser("bot1", { nickname: "Bot" });
  server.registerUser("alice", { nickname: "Alice" });
  server.createGroup("g1", ["bot1", "alice"], { groupName: "G1", ownerUserID: "alice" });
  token = server.mintToken("bot1");
  dir = await mkdtemp(path.join(os.tmpdir(), "mcp-tools-bin-"));
  await mkdir(path.join(dir, "media"));
  await writeFile(path.join(dir, "media", "notes.txt"), "meeting notes\n");
  await writeOpenClawConfig(path.join(dir, "openclaw.json"), {
    tokenRefresh: { mode: "off", manualLoginMarkerPath: path.join(dir, "manual-login.json") },
    accounts: {
      primary: { token, wsAddr: server.wsAddr, apiAddr: server.apiAddr },
      other: {
        token: server.mintToken("bot1", { platformID: 3 }),
        wsAddr: server.wsAddr,
        apiAddr: server.apiAddr,
      },
    },
  });
}, 20_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function textOf(result: object): string {
  return ((result as { content: { text: string }[] }).content ?? []).map((c) => c.text).join("\n");
}

test("multi-openim-mcp over stdio: lists the tools, refuses a call without accountId, delivers a text and a file", {
  timeout: 60_000,
}, async () => {
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      BIN,
      "--config",
      path.join(dir, "openclaw.json"),
      "--account",
      "primary",
      "--allow-root",
      path.join(dir, "media"),
    ],
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client({ name: "bin-test", version: "0" });
  await client.connect(transport);
  const pid = transport.pid!;
  try {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...MULTI_OPENIM_TOOL_NAMES]);
    expect(tools[0]?.inputSchema.required).toEqual(["accountId", "to", "text"]);

    const missing = await client.callTool({
      name: "multi_openim_send_text",
      arguments: { to: "user:alice", text: "hi" },
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(
      /accountId is required \(there is no default account\): pass one of "primary"\./,
    );

    // --account primary: the other configured account is not exposed.
    const hidden = await client.callTool({
      name: "multi_openim_send_text",
      arguments: { accountId: "other", to: "user:alice", text: "hi" },
    });
    expect(textOf(hidden)).toMatch(/^Error ACCOUNT_UNKNOWN/);

    const sent = await client.callTool({
      name: "multi_openim_send_text",
      arguments: { accountId: "primary", to: "user:alice", text: "hello from MCP" },
    });
    expect(sent.isError, `${textOf(sent)}\n${stderr.join("")}`).toBeFalsy();
    const { messageId } = sent.structuredContent as { messageId: string };
    const delivered = await server.waitForMessage((m) => m.clientMsgID === messageId, 5000);
    expect(delivered).toMatchObject({ sendID: "bot1", recvID: "alice", text: "hello from MCP", via: "ws" });

    const file = await client.callTool({
      name: "multi_openim_send_file",
      arguments: {
        accountId: "primary",
        to: "group:g1",
        path: path.join(dir, "media", "notes.txt"),
        caption: "notes attached",
      },
    });
    expect(file.isError, textOf(file)).toBeFalsy();
    const fileId = (file.structuredContent as { messageId: string }).messageId;
    const fileMessage = await server.waitForMessage((m) => m.clientMsgID === fileId, 5000);
    expect(fileMessage).toMatchObject({ sendID: "bot1", groupID: "g1" });
    const { captionMessageId } = file.structuredContent as { captionMessageId: string };
    const caption = await server.waitForMessage((m) => m.clientMsgID === captionMessageId, 5000);
    expect(caption).toMatchObject({ groupID: "g1", text: "notes attached" });

    const image = await client.callTool({
      name: "multi_openim_send_image",
      arguments: { accountId: "primary", to: "user:alice", url: "https://cdn.example.com/cat.png" },
    });
    expect(image.isError, textOf(image)).toBeFalsy();
    const imageId = (image.structuredContent as { messageId: string }).messageId;
    const imageMessage = await server.waitForMessage((m) => m.clientMsgID === imageId, 5000);
    expect(JSON.stringify(imageMessage.elem)).toContain("https://cdn.example.com/cat.png");

    const outside = await client.callTool({
      name: "multi_openim_send_file",
      arguments: { accountId: "primary", to: "group:g1", path: path.join(dir, "openclaw.json") },
    });
    expect(textOf(outside)).toMatch(/^Error MEDIA_REFUSED: path is outside the folders/);

    // The server revokes the token; with refresh off the account needs a manual login, and the tool says so.
    server.invalidateToken("bot1", { token });
    await expect
      .poll(
        async () =>
          textOf(
            await client.callTool({
              name: "multi_openim_send_text",
              arguments: { accountId: "primary", to: "user:alice", text: "still there?" },
            }),
          ),
        { timeout: 15_000, interval: 250 },
      )
      .toMatch(/^Error NOT_CONNECTED: account "primary" is not connected/);
  } finally {
    await client.close();
  }
  // Closing stdin stops the accounts and ends the process; nothing on stderr carries the token.
  await expect.poll(() => isAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
  const log = stderr.join("");
  expect(log).toContain("account primary: connected");
  expect(log).not.toContain(token);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runBin(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, out, exited };
}

test("SIGTERM stops the accounts and exits 0 with nothing but protocol on stdout", {
  timeout: 30_000,
}, async () => {
  const config = path.join(dir, "sigterm.json");
  await writeOpenClawConfig(config, {
    tokenRefresh: { mode: "off", manualLoginMarkerPath: path.join(dir, "manual-login.json") },
    accounts: {
      primary: { token: server.mintToken("bot1"), wsAddr: server.wsAddr, apiAddr: server.apiAddr },
    },
  });
  const { child, out, exited } = runBin(["--config", config]);
  try {
    await expect.poll(() => out.stderr, { timeout: 15_000, interval: 50 }).toContain("serving 1 account(s)");
    expect(out.stderr).toContain("account primary: connected");
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(out.stderr).toContain("stopping the accounts");
    expect(out.stdout).toBe("");
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

test("a config error exits 1 with the field path on stderr; a usage error exits 2", {
  timeout: 30_000,
}, async () => {
  const bad = path.join(dir, "bad.json");
  await writeOpenClawConfig(bad, { accounts: { primary: { token, wsAddr: 42, apiAddr: server.apiAddr } } });
  const run = runBin(["--config", bad]);
  const [code] = await run.exited;
  expect(code).toBe(1);
  expect(run.out.stderr).toContain("channels.multi-openim.accounts.primary.wsAddr");
  expect(run.out.stderr).not.toContain(token);
  expect(run.out.stdout).toBe("");
  const usage = runBin(["--acount", "primary"]);
  expect((await usage.exited)[0]).toBe(2);
  expect(usage.out.stderr).toContain("Usage: multi-openim-mcp");
});
