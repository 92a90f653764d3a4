import { access, chmod, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createDoctorAdapter, moveLegacyAccount } from "./doctor-adapter.js";

let dev: DevServer;
let dir: string;
beforeAll(async () => {
  dev = await startDevServer();
  dev.registerUser("bot");
  dir = await mkdtemp(join(tmpdir(), "mo-doctor-"));
});
afterAll(async () => {
  await dev?.close();
  await rm(dir, { recursive: true, force: true });
});

test("0.1.0's channel-level account moves into a named one; nothing else changes", () => {
  const cfg = {
    gateway: { port: 1 },
    channels: {
      "multi-openim": {
        token: "t",
        wsAddr: "ws://h:1",
        apiAddr: "http://h:2",
        userID: "u",
        accounts: { primary: { token: "p" } },
      },
    },
  };
  const { config, changes } = moveLegacyAccount(cfg);
  expect(config).toEqual({
    gateway: { port: 1 },
    channels: {
      "multi-openim": {
        accounts: {
          primary: { token: "p" },
          legacy: { token: "t", wsAddr: "ws://h:1", apiAddr: "http://h:2", userID: "u" },
        },
      },
    },
  });
  expect(changes).toEqual([
    "moved channels.multi-openim.{token, wsAddr, apiAddr, userID} (the 0.1.0 single-account form) into channels.multi-openim.accounts.legacy",
  ]);
  expect(cfg.channels["multi-openim"].token).toBe("t");
  expect(moveLegacyAccount({ channels: { "multi-openim": { accounts: {} } } }).changes).toEqual([]);
});

test("stale markers (gone, recovered) and files readable by others: reported, then fixed with --fix", async () => {
  const template = join(dir, "marker.json");
  const configPath = join(dir, "openclaw.json");
  await writeFile(configPath, "{}", { mode: 0o644 });
  await chmod(configPath, 0o644);
  const cfg = {
    channels: {
      "multi-openim": {
        tokenRefresh: { mode: "off", manualLoginMarkerPath: template },
        accounts: {
          ok: { token: dev.mintToken("bot"), wsAddr: dev.wsAddr, apiAddr: dev.apiAddr },
          dead: {
            token: dev.mintToken("bot", { expiresInSec: -10 }),
            wsAddr: dev.wsAddr,
            apiAddr: dev.apiAddr,
          },
        },
      },
    },
  };
  for (const id of ["ok", "dead", "gone"]) await writeFile(join(dir, `marker.${id}.json`), "{}");
  const doctor = createDoctorAdapter();
  const env = { OPENCLAW_CONFIG_PATH: configPath };
  const lint = await doctor.runConfigSequence({ cfg, env, shouldRepair: false });
  expect(lint.changeNotes).toEqual([]);
  expect(lint.warningNotes.join("\n")).toMatch(/marker\.ok\.json: account "ok" has a working token again/);
  expect(lint.warningNotes.join("\n")).toMatch(/marker\.gone\.json: account "gone" is no longer configured/);
  expect(lint.warningNotes.join("\n")).not.toMatch(/marker\.dead/);
  expect(lint.warningNotes.join("\n")).toContain(
    `${configPath} (the OpenClaw config (holds the account tokens)) is readable by others (mode 644)`,
  );
  const fix = await doctor.runConfigSequence({ cfg, env, shouldRepair: true });
  expect(fix.changeNotes).toHaveLength(3);
  await expect(access(join(dir, "marker.ok.json"))).rejects.toThrow();
  await expect(access(join(dir, "marker.dead.json"))).resolves.toBeUndefined();
  expect((await stat(configPath)).mode & 0o777).toBe(0o600);
});

test("preview warnings: core's validation, and the deliberate no-default-account note", () => {
  const doctor = createDoctorAdapter();
  const lines = doctor.collectPreviewWarnings({
    cfg: {
      channels: {
        "multi-openim": {
          token: "x",
          accounts: {
            a: { token: "t", wsAddr: "ws://h:1", apiAddr: "http://h:2" },
            b: { token: "t", wsAddr: "ws://h:1", apiAddr: "http://h:2" },
          },
        },
      },
    },
  });
  expect(lines.join("\n")).toContain(
    '- channels.multi-openim.token: channels.multi-openim.token is 0.1.0\'s single-account form and is ignored: run "openclaw doctor --fix"',
  );
  expect(lines.join("\n")).toContain("no default account, on purpose");
});
