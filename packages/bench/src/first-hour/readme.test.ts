import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { mcpSession } from "./mcp-stdio.ts";
import { commandBlocks, commandsOf, type ReadmeBlock } from "./readme-blocks.ts";
import { background, sh, userEnv } from "./shell.ts";

// A fresh clone, and every command block of the root README and each package README run as written
// where it can run here. What cannot, and where it is covered instead:
const SKIPPED: [RegExp, string][] = [
  [
    /&& npx -y pnpm@10 demo$/,
    "the demo itself: src/demo/keep.test.ts and real-server.test.ts run `pnpm demo -- …`",
  ],
  [/&& npx -y pnpm@10 check$/, "the whole suite: that is CI itself"],
  [
    /^openclaw plugins install \.\//,
    "installing the tarball into OpenClaw: packages/plugin/src/install.e2e.ts",
  ],
  [/^openclaw /, "needs an OpenClaw with the plugin and a gateway: packages/plugin's e2e tests"],
  [/^(npx multi-openim|npm install @multi-openim\/)/, "after a release: nothing is on npm yet (404)"],
  [
    /^multi-openim /,
    "the published command's synopsis; from a checkout `npx -y pnpm@10 exec multi-openim` runs below",
  ],
  [/^pnpm (changeset|release)/, "publishing"],
];
/** The commands this test runs, exactly as the READMEs write them (placeholders filled in). */
const RUN = [
  "npx -y pnpm@10 install && npx -y pnpm@10 build",
  "npx -y pnpm@10 exec multi-openim --help",
  "npx -y pnpm@10 exec multi-openim-mcp --help",
  "npx -y pnpm@10 exec multi-openim-devserver --help",
  "cd packages/plugin && npx -y pnpm@10 pack && cd ../..",
  "npx -y pnpm@10 exec multi-openim-devserver --user bot --user alice",
  "npx -y pnpm@10 exec multi-openim setup --non-interactive --config ./openclaw.json --account local --ws <wsAddr> --api <apiAddr> --token <token>",
  "npx -y pnpm@10 exec multi-openim status --probe --config ./openclaw.json",
  `curl -s -XPOST $API/devserver/mintToken -H 'content-type: application/json' -d '{"userID":"bot","platformID":5}'`,
  `curl -s -XPOST $API/devserver/sendAs -H 'content-type: application/json' -d '{"userID":"alice","target":"user:bot","content":"hi"}'`,
  `curl -s -XPOST $API/devserver/waitForMessage -H 'content-type: application/json' -d '{"match":{"sendID":"bot"},"timeoutMs":5000}'`,
];
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const blocks = commandBlocks(ROOT);
const commands = blocks.filter((b) => b.lang !== "json" && b.lang !== "").flatMap(commandsOf);
/** The README's MCP config that works from a checkout (the others use npx, after a release). */
const checkoutMcp = (b: ReadmeBlock) => b.lang === "json" && b.text.includes("/path/to/multi-openim");

test("every README command is run by the clone test below, or skipped with a reason", () => {
  const unaccounted = commands.filter(
    (c) => !RUN.includes(c) && !SKIPPED.some(([pattern]) => pattern.test(c)),
  );
  expect(
    unaccounted,
    "a README command nobody runs: add it to RUN (and run it) or to SKIPPED with why",
  ).toEqual([]);
  for (const block of blocks.filter((b) => b.lang === "json"))
    expect(checkoutMcp(block) || /"command": "npx"/.test(block.text), block.text).toBe(true); // npx: after a release
  expect(
    RUN.filter((c) => !commands.includes(c)),
    "RUN lists a command no README has any more",
  ).toEqual([]);
  expect(blocks.filter(checkoutMcp)).toHaveLength(1);
});

let dir: string | undefined;
let devserver: ReturnType<typeof background> | undefined;
afterAll(async () => {
  await devserver?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** The turbo cache of the repository under test, so the clone's build restores what CI built already. */
function turboCache(): NodeJS.ProcessEnv {
  const common = spawnSync("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], {
    cwd: ROOT,
    encoding: "utf8",
  }).stdout.trim();
  const cache = join(common, "..", ".turbo", "cache");
  return existsSync(cache) ? { TURBO_CACHE_DIR: cache } : {};
}

test.skipIf(!existsSync(join(ROOT, ".git")))(
  "a fresh clone: install, the bins, pack, the devserver, the CLI against it, the MCP server over stdio, as the READMEs write them",
  async () => {
    dir = mkdtempSync(join(tmpdir(), "multi-openim-readme-"));
    const clone = join(dir, "multi-openim");
    expect(spawnSync("git", ["clone", "-q", ROOT, clone]).status).toBe(0);
    const env = userEnv(ROOT, turboCache());
    const times: string[] = [];
    const run = async (command: string, timeoutMs = 120_000, extra: NodeJS.ProcessEnv = {}) => {
      const started = performance.now();
      const ran = await sh(command, clone, { ...env, ...extra }, timeoutMs);
      times.push(`${((performance.now() - started) / 1000).toFixed(1)} s  ${command.slice(0, 70)}`);
      expect(ran.code, `\`${command}\`\n${ran.out}\n${ran.err}`).toBe(0);
      return ran;
    };

    // The install: every bin linked, none of pnpm's "Failed to create bin" warnings.
    const install = await run("npx -y pnpm@10 install", 300_000);
    expect(`${install.out}${install.err}`).not.toContain("Failed to create bin");
    // The demo's first-run build (ensureBuilt) is one line unless it fails.
    const quiet = await run(
      `npx -y pnpm@10 exec node -e "import('./packages/bench/src/ensure-built.ts').then((m) => m.ensureBuilt())"`,
      300_000,
    );
    expect(quiet.out.trim().split("\n")).toEqual([
      expect.stringMatching(/^building .* \(first run, about a minute\) …$/),
    ]);
    await run(RUN[0] as string, 300_000);
    // Independent of each other: at once (each is mostly npx and pnpm starting).
    const [cli, mcpHelp, devHelp] = await Promise.all([
      run(RUN[1] as string),
      run(RUN[2] as string),
      run(RUN[3] as string),
      run(RUN[4] as string),
    ]);
    expect(cli?.out).toContain("Usage: multi-openim");
    expect(mcpHelp?.out).toContain("Usage: multi-openim-mcp");
    expect(devHelp?.out).toContain("openim-devserver: an OpenIM stand-in");
    expect(existsSync(join(clone, "packages/plugin/multi-openim-channel-0.1.0.tgz"))).toBe(true); // the next line's tarball

    // The devserver, then the CLI's "Try it" block against it.
    devserver = background(RUN[5] as string, clone, env);
    const [, token] = await devserver.until(/token +bot (\S+)\n/, 60_000);
    const wsAddr = (await devserver.until(/wsAddr +(\S+)/, 1000))[1] as string;
    const apiAddr = (await devserver.until(/apiAddr +(\S+)/, 1000))[1] as string;
    const setup = await run(
      (RUN[6] as string)
        .replace("<wsAddr>", wsAddr)
        .replace("<apiAddr>", apiAddr)
        .replace("<token>", token as string),
    );
    expect(`${setup.out}${setup.err}`).not.toContain(token);
    const status = await run(RUN[7] as string);
    expect(status.out).toMatch(/local/);
    expect(`${status.out}${status.err}`).not.toContain(token);

    // The MCP server as the README's Claude Desktop config starts it, over stdio.
    const config = JSON.parse(
      (blocks.find(checkoutMcp) as ReadmeBlock).text
        .replaceAll("/path/to/multi-openim", clone)
        .replace("/Users/me/.openclaw/openclaw.json", join(clone, "openclaw.json"))
        .replace('"primary"', '"local"'),
    ).mcpServers["multi-openim"] as { command: string; args: string[] };
    await fetch(`${apiAddr}/devserver/registerUser`, { method: "POST", body: '{"userID":"alice"}' });
    const mcp = mcpSession(config.command, config.args, dir, env);
    try {
      const init = await mcp.request("initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "readme-test", version: "1" },
      });
      expect(init.result).toMatchObject({ serverInfo: { name: expect.stringContaining("multi-openim") } });
      mcp.notify("notifications/initialized");
      const tools = (await mcp.request("tools/list", {})).result as { tools: { name: string }[] };
      expect(tools.tools.map((t) => t.name)).toContain("multi_openim_send_text");
      const sent = await mcp.request("tools/call", {
        name: "multi_openim_send_text",
        arguments: { accountId: "local", to: "user:alice", text: "hello from the README test" },
      });
      expect((sent.result as { isError?: boolean }).isError ?? false, JSON.stringify(sent)).toBe(false);
    } finally {
      expect(await mcp.close()).toBe(0);
    }
    expect(mcp.stderr()).not.toContain(token);

    // The devserver README's curl block: the bot's message (sent over MCP above) is found.
    for (const command of RUN.slice(8)) {
      const answer = JSON.parse((await run(command, 30_000, { API: apiAddr })).out);
      expect(answer.errCode, command).toBe(0);
    }
    const found = JSON.parse((await run(RUN[10] as string, 30_000, { API: apiAddr })).out);
    expect(found.data.text).toBe("hello from the README test");

    // Ctrl-C stops the devserver: its API no longer answers.
    await devserver.stop();
    devserver = undefined;
    // pnpm returns on Ctrl-C while the devserver may still be closing its sockets: give it 10 s.
    const closedBy = Date.now() + 10_000;
    let closed = false;
    while (!closed && Date.now() < closedBy) {
      closed = await fetch(`${apiAddr}/devserver/mintToken`, { method: "POST", body: "{}" }).then(
        () => false,
        () => true,
      );
      if (!closed) await new Promise((r) => setTimeout(r, 250));
    }
    expect(closed, "the devserver's API still answers 10 s after Ctrl-C").toBe(true);
    console.log(`[readme test] ${times.join("\n[readme test] ")}`);
  },
  900_000,
);
