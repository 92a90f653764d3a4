import { promises as fs } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import JSON5 from "json5";
import { afterEach, beforeEach, expect, test } from "vitest";
import { registerSetupCommands } from "./commands.js";
import type { ConnectionAccount } from "./connection-types.js";
import type { CliIo } from "./io.js";
import { fakeJwt, removeHome, sampleHome } from "./test-helpers.js";

let home: string;
let file: string;
beforeEach(async () => {
  ({ home, file } = await sampleHome());
});
afterEach(() => removeHome(home));

function memoryIo(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const stdin = new PassThrough();
  stdin.end();
  return { stdin, stdout, stderr, env: { HOME: home }, out: () => out, err: () => err };
}

// The plugin mounts the commands under its own command, as `openclaw multi-openim setup`.
test("mounted under a host program, setup runs with the host's parser and reports its exit code", async () => {
  const io = memoryIo();
  const codes: number[] = [];
  const tested: ConnectionAccount[] = [];
  const host = new Command("openclaw").exitOverride();
  registerSetupCommands(host.command("multi-openim"), {
    io,
    setExitCode: (code) => codes.push(code),
    testConnection: async (account) => {
      tested.push(account);
      return { ok: true, userID: account.userID };
    },
  });
  const token = fakeJwt({ UserID: "carol", PlatformID: 2, exp: 4102444800 });
  const args = ["--non-interactive", "--config", file, "--account", "mounted", "--token", token];
  await host.parseAsync(["multi-openim", "setup", ...args, "--ws", "ws://h:1", "--api", "http://h:2"], {
    from: "user",
  });
  expect(io.err()).toBe("");
  expect(codes).toEqual([0]);
  expect(tested).toEqual([
    {
      accountId: "mounted",
      token,
      wsAddr: "ws://h:1",
      apiAddr: "http://h:2",
      userID: "carol",
      platformID: 2,
    },
  ]);
  expect(io.out()).toContain("connected as carol");
  const accounts = JSON5.parse(await fs.readFile(file, "utf8")).channels["multi-openim"].accounts;
  expect(accounts.mounted).toEqual({ enabled: true, token, wsAddr: "ws://h:1", apiAddr: "http://h:2" });

  // An error inside a mounted command becomes a message and a code, never an exception in the host.
  await host.parseAsync(["multi-openim", "validate", "--config", path.join(home, "missing.json")], {
    from: "user",
  });
  expect(codes).toEqual([0, 1]);
  expect(io.err()).toContain("no config at");
});
