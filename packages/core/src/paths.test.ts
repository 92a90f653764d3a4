import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { markerPathFor, resolveOpenClawConfigPath, resolveOpenClawStateDir } from "./paths.js";

test("markerPathFor inserts the accountId before the extension", () => {
  expect(markerPathFor("/var/x/manual-login.json", "primary")).toBe("/var/x/manual-login.primary.json");
  expect(markerPathFor("/var/x/marker", "b")).toBe("/var/x/marker.b");
});

test("markerPathFor defaults to ~/.openclaw/multi-openim/manual-login.<id>.json", () => {
  expect(markerPathFor(undefined, "team-b")).toBe(
    path.join(os.homedir(), ".openclaw/multi-openim/manual-login.team-b.json"),
  );
  expect(markerPathFor("~/m.json", "a")).toBe(path.join(os.homedir(), "m.a.json"));
});

test("markerPathFor refuses an accountId that escapes the folder", () => {
  expect(() => markerPathFor("/tmp/m.json", "../../etc/passwd")).toThrow(/accountId/);
});

test("OpenClaw config path: $OPENCLAW_CONFIG_PATH, then $OPENCLAW_STATE_DIR, then ~/.openclaw", () => {
  expect(resolveOpenClawConfigPath({ OPENCLAW_CONFIG_PATH: "/c/oc.json", OPENCLAW_STATE_DIR: "/s" })).toBe(
    "/c/oc.json",
  );
  expect(resolveOpenClawConfigPath({ OPENCLAW_STATE_DIR: "/s" })).toBe("/s/openclaw.json");
  expect(resolveOpenClawConfigPath({})).toBe(path.join(os.homedir(), ".openclaw/openclaw.json"));
  expect(resolveOpenClawStateDir({ OPENCLAW_STATE_DIR: "~/st" })).toBe(path.join(os.homedir(), "st"));
});
