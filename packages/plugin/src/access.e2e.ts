import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import {
  type ChatMessage,
  freePort,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  openclawArgs,
  openclawEnv,
  runCommand,
  snapshotPlugin,
  startFakeModel,
  textOf,
  writeGatewayConfig,
} from "@multi-openim/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * Who may talk to the agent, in one real gateway (each start costs ~30 s): five accounts on one
 * devserver, one per policy — p (nothing set: pairing, with per-group settings), l (allowlist for DMs
 * and groups), d (disabled), o (open), w (0.1.0's inboundWhitelist). The scripted model answers
 * "ACK MARK-x" and, for TOOLCALL-x, tries to send as account l from whatever turn it is in.
 */
function answer(messages: ChatMessage[]) {
  const index = messages.findLastIndex((m) => m.role === "user" && /(MARK|TOOLCALL)-\w+/.test(textOf(m)));
  if (index < 0) return { text: "ACK nothing" };
  const text = textOf(messages[index] as ChatMessage);
  const tool = /TOOLCALL-(\w+)/.exec(text);
  if (tool) {
    if (messages.slice(index + 1).some((m) => m.role === "tool")) return { text: "ACK tool done" };
    return {
      toolCall: {
        name: "multi_openim_send_text",
        arguments: { accountId: "l", to: "user:alice", text: `MARK-tool-${tool[1]}` },
      },
    };
  }
  // The last marker: a quote puts the quoted message's marker first.
  return { text: `ACK ${[...text.matchAll(/MARK-\w+/g)].at(-1)?.[0]}` };
}

const BOTS = { p: "bot_p", l: "bot_l", d: "bot_d", o: "bot_o", w: "bot_w" } as const;
let root = "";
let dev: DevServer;
let model: Awaited<ReturnType<typeof startFakeModel>>;
let gateway: GatewayProcess | undefined;
let env: NodeJS.ProcessEnv;
let port = 0;

// Generous: an agent turn on a loaded shared machine can take minutes.
const replyFrom = (from: string, to: string, text: string, timeoutMs = 240_000) =>
  dev.waitForMessage(
    (m) => m.sendID === from && (m.recvID === to || m.groupID === to) && m.text.includes(text),
    timeoutMs,
  );
const modelSaw = (marker: string) =>
  model.requests.some((r) => r.messages.some((m) => textOf(m).includes(marker)));
const botToUser = (bot: string, user: string) =>
  dev.messagesFor(user).filter((m) => m.sendID === bot && m.recvID === user);
const openclaw = (...args: string[]) => {
  const [cmd, argv] = openclawArgs(...args);
  return runCommand(cmd, argv, { env, timeoutMs: 180_000 });
};

async function startGateway(): Promise<GatewayProcess> {
  const [cmd, args] = gatewayRunArgs(port);
  const started = new GatewayProcess(cmd, args, env);
  // ~10 s on an idle machine; minutes on a loaded shared one.
  await started.waitFor(/\[multi-openim\] p: running/, 360_000);
  await started.waitFor(/\[multi-openim\] w: running/, 60_000);
  return started;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mo-access-"));
  dev = await startDevServer();
  for (const bot of Object.values(BOTS)) dev.registerUser(bot, { nickname: bot });
  dev.registerUser("alice", { nickname: "Alice" });
  dev.registerUser("mallory", { nickname: "Mallory" });
  for (const g of ["gq", "gc", "gm"]) dev.createGroup(g, ["bot_p", "alice"]);
  dev.createGroup("gl", ["bot_l", "alice", "mallory"]);
  model = await startFakeModel(answer);
  const pluginDir = await snapshotPlugin(root);
  port = await freePort();
  env = await openclawEnv(root);
  const addr = { wsAddr: dev.wsAddr, apiAddr: dev.apiAddr };
  const account = (bot: string, extra: Record<string, unknown> = {}) => ({
    token: dev.mintToken(bot),
    ...addr,
    ...extra,
  });
  const config = gatewayConfig({
    port,
    modelBaseUrl: model.baseUrl,
    pluginDir,
    channel: {
      // No group context here: an unanswered message handed over with the next mention (issue 20,
      // conversation.e2e.ts) would reach the model, and this file asserts what never does.
      historyLimit: 0,
      accounts: {
        p: account(BOTS.p, { groups: { gq: { enabled: false }, gc: { requireMention: false } } }),
        l: account(BOTS.l, {
          dmPolicy: "allowlist",
          allowFrom: ["alice"],
          groupPolicy: "allowlist",
          groupAllowFrom: ["alice"],
        }),
        d: account(BOTS.d, { dmPolicy: "disabled" }),
        o: account(BOTS.o, { dmPolicy: "open" }),
        w: account(BOTS.w, { inboundWhitelist: ["alice"] }),
      },
    },
  });
  await writeGatewayConfig(env.OPENCLAW_CONFIG_PATH as string, config);
  gateway = await startGateway();
}, 480_000);

afterAll(async () => {
  await gateway?.stop();
  if (process.env.MO_E2E_LOG && gateway)
    await writeFile(
      process.env.MO_E2E_LOG,
      `${gateway.output}\n\n${JSON.stringify(model.requests, null, 1)}`,
    );
  await Promise.all([dev?.close(), model?.close()]);
  if (root) await rm(root, { recursive: true, force: true });
});

let pairingCode = "";

describe("admission in a real gateway", () => {
  test("DMs: a stranger under pairing gets one code; allowlist, open and inboundWhitelist as configured", async () => {
    // Negatives first, each before a positive on the same account (an account handles its inbound in order).
    dev.sendAs("mallory", "user:bot_p", "MARK-p1 hello?");
    dev.sendAs("mallory", "user:bot_l", "MARK-l2 let me in");
    dev.sendAs("alice", "user:bot_l", "MARK-l1 listed");
    dev.sendAs("mallory", "user:bot_d", "MARK-d1 anyone?");
    dev.sendAs("mallory", "user:bot_w", "MARK-w1 let me in");
    dev.sendAs("alice", "user:bot_w", "MARK-w2 listed");
    dev.sendAs("mallory", "user:bot_o", "MARK-o1 open door");
    const code = await replyFrom("bot_p", "mallory", "Pairing code");
    pairingCode = /Pairing code:\s*```\s*([A-Z0-9]+)/.exec(code.text)?.[1] ?? "";
    expect(pairingCode).toMatch(/^[A-Z0-9]{4,}$/);
    expect(code.text).toContain(`openclaw pairing approve multi-openim ${pairingCode}`);
    dev.sendAs("mallory", "user:bot_p", "MARK-p2 still me");
    await Promise.all([
      replyFrom("bot_l", "alice", "ACK MARK-l1"),
      replyFrom("bot_w", "alice", "ACK MARK-w2"),
      replyFrom("bot_o", "mallory", "ACK MARK-o1"),
    ]);
  }, 600_000);

  test("groups: per-group enabled and requireMention, a quote of the bot counts, groupAllowFrom filters", async () => {
    dev.sendAs("alice", "group:gq", { text: "@bot_p MARK-gq1", atUserIDs: ["bot_p"] });
    dev.sendAs("alice", "group:gc", "MARK-gc1 no mention needed here");
    dev.sendAs("alice", "group:gm", "MARK-gm1 no mention");
    dev.sendAs("alice", "group:gm", { text: "@bot_p MARK-gm2", atUserIDs: ["bot_p"] });
    dev.sendAs("mallory", "group:gl", { text: "@bot_l MARK-gl1", atUserIDs: ["bot_l"] });
    dev.sendAs("alice", "group:gl", { text: "@bot_l MARK-gl2", atUserIDs: ["bot_l"] });
    const [, ack] = await Promise.all([
      replyFrom("bot_p", "gc", "ACK MARK-gc1"),
      replyFrom("bot_p", "gm", "ACK MARK-gm2"),
      replyFrom("bot_l", "gl", "ACK MARK-gl2"),
    ]);
    dev.sendAs("alice", "group:gm", {
      text: "MARK-gm3 and what about this?",
      quoteClientMsgID: ack.clientMsgID,
    });
    await replyFrom("bot_p", "gm", "ACK MARK-gm3");
  }, 600_000);

  test("a turn on account o cannot make the tools send as account l: refused, nothing sent", async () => {
    dev.sendAs("mallory", "user:bot_o", "please TOOLCALL-x1");
    await replyFrom("bot_o", "mallory", "ACK tool done");
    const toolResult = model.requests
      .flatMap((r) => r.messages)
      .find((m) => m.role === "tool" && textOf(m).includes("refused, nothing sent"));
    expect(toolResult && textOf(toolResult)).toMatch(/came in on account \\?"o\\?"/);
    expect(dev.messagesFor("alice").some((m) => m.text.includes("MARK-tool-x1"))).toBe(false);
  }, 600_000);

  test("openclaw pairing list / approve and security audit through the real CLI; the approval survives a restart", async () => {
    const [list, audit] = await Promise.all([
      openclaw("pairing", "list", "multi-openim", "--json"),
      openclaw("security", "audit", "--json"),
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(pairingCode);
    expect(list.stdout).toContain("mallory");
    expect(`${audit.stdout}`).toContain("channels.multi-openim.dm.open");
    expect(audit.stdout).toContain('Multi-OpenIM account \\"o\\" is open to everyone');
    const approve = await openclaw("pairing", "approve", "multi-openim", pairingCode);
    expect(approve.code, `${approve.stdout}\n${approve.stderr}`).toBe(0);
    dev.sendAs("mallory", "user:bot_p", "MARK-p3 approved now?");
    await replyFrom("bot_p", "mallory", "ACK MARK-p3");

    await gateway?.stop();
    gateway = await startGateway();
    dev.sendAs("mallory", "user:bot_p", "MARK-p4 after the restart");
    await replyFrom("bot_p", "mallory", "ACK MARK-p4");
  }, 1_200_000);

  test("what was refused never reached the model, and the stranger got exactly one pairing reply", () => {
    for (const marker of ["p1", "p2", "l2", "d1", "w1", "gq1", "gm1", "gl1"])
      expect(modelSaw(`MARK-${marker}`), marker).toBe(false);
    expect(botToUser("bot_p", "mallory").filter((m) => m.text.includes("Pairing code"))).toHaveLength(1);
    expect(botToUser("bot_d", "mallory")).toEqual([]);
    expect(botToUser("bot_w", "mallory")).toEqual([]);
    expect(botToUser("bot_l", "mallory")).toEqual([]);
  });
});
