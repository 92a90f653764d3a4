import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openclawArgs, openclawEnv, PLUGIN_DIR, runCommand } from "@multi-openim/testkit";
import JSON5 from "json5";
import { afterAll, expect, test } from "vitest";

let root: string | undefined;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** pnpm rewrites catalog: and workspace: specifiers when packing; npm would ship them verbatim. */
function pnpmCommand(): [string, string[]] {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath)) return [process.execPath, [execpath, "pack"]];
  return ["npx", ["-y", "pnpm@10", "pack"]];
}

test("the packed tarball installs into a real OpenClaw and shows the channel, the four tools and the CLI", async () => {
  root = await mkdtemp(join(tmpdir(), "mo-install-"));
  const [pnpm, packArgs] = pnpmCommand();
  const packed = await runCommand(pnpm, [...packArgs, "--pack-destination", root], {
    cwd: PLUGIN_DIR,
    timeoutMs: 60_000,
  });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = (await readdir(root)).find((f) => f.endsWith(".tgz"));
  expect(tarball).toBeDefined();

  const env = await openclawEnv(root);
  const run = (timeoutMs: number, ...args: string[]) => {
    const [cmd, argv] = openclawArgs(...args);
    return runCommand(cmd, argv, { env, timeoutMs });
  };
  const install = await run(
    180_000,
    "plugins",
    "install",
    join(root, tarball as string),
    "--force",
    "--accept-capabilities",
  );
  expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
  expect(install.stdout).toContain("Installed plugin: multi-openim-channel");

  const inspected = await run(90_000, "plugins", "inspect", "multi-openim-channel", "--json", "--runtime");
  expect(inspected.code, inspected.stderr).toBe(0);
  const report = JSON.parse(inspected.stdout);
  expect(report.plugin.status).toBe("loaded");
  expect(report.plugin.channelIds).toEqual(["multi-openim"]);
  // Only the third-party dependencies were installed: the workspace packages are inside dist.
  expect(report.plugin.dependencyStatus.missing).toEqual([]);
  const toolNames = [
    "multi_openim_send_text",
    "multi_openim_send_image",
    "multi_openim_send_video",
    "multi_openim_send_file",
  ];
  expect(report.plugin.toolNames).toEqual(toolNames);
  expect(report.plugin.contracts.tools).toEqual(toolNames);
  expect(report.install.acceptedSurface.cliCommands).toEqual(["multi-openim"]);

  // The CLI command is mounted by the plugin inside OpenClaw's own CLI.
  const help = await run(90_000, "multi-openim", "setup", "--help");
  expect(help.code, help.stderr).toBe(0);
  expect(help.stdout).toContain("Usage: openclaw multi-openim setup");
  expect(help.stdout).toContain("--account <id>");

  // `openclaw multi-openim setup` writes the same block as the standalone `multi-openim setup`.
  const claims = Buffer.from(JSON.stringify({ UserID: "bot-a", PlatformID: 5, exp: 4_000_000_000 })).toString(
    "base64url",
  );
  const token = `eyJhbGciOiJIUzI1NiJ9.${claims}.c2lnbmF0dXJl`;
  const flags = ["--non-interactive", "--skip-test", "--account", "primary", "--ws", "ws://127.0.0.1:10001"];
  flags.push("--api", "http://127.0.0.1:10002", "--token", token, "--whitelist", "alice");
  const viaOpenclaw = await run(90_000, "multi-openim", "setup", ...flags);
  expect(viaOpenclaw.code, `${viaOpenclaw.stdout}\n${viaOpenclaw.stderr}`).toBe(0);
  expect(`${viaOpenclaw.stdout}${viaOpenclaw.stderr}`).not.toContain(token);
  const standaloneConfig = join(root, "standalone.json");
  const cliBin = join(PLUGIN_DIR, "..", "cli", "dist", "bin.mjs");
  const standalone = await runCommand(
    process.execPath,
    [cliBin, "setup", ...flags, "--config", standaloneConfig],
    {
      env,
      timeoutMs: 60_000,
    },
  );
  expect(standalone.code, standalone.stderr).toBe(0);
  const blockIn = async (file: string) =>
    JSON5.parse(await readFile(file, "utf8")).channels["multi-openim"].accounts.primary;
  const written = await blockIn(env.OPENCLAW_CONFIG_PATH as string);
  expect(written).toMatchObject({ token, wsAddr: "ws://127.0.0.1:10001", inboundWhitelist: ["alice"] });
  expect(written).toEqual(await blockIn(standaloneConfig));
}, 420_000);
