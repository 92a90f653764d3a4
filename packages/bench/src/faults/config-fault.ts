import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateChannelConfig } from "@multi-openim/core";
import { createTokenRefresher } from "@multi-openim/token-refresh";
import { multiOpenim } from "multi-openim-channel";
import { createLogCapture } from "../log-capture.ts";
import type { FaultRow } from "./row.ts";

async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

/**
 * A config whose accountId climbs out of the state dir: core refuses it naming the field, the plugin
 * does not list it, the refresher will not write a marker for it, and no file appears anywhere.
 */
export async function pathTraversalFault(): Promise<FaultRow> {
  const root = await mkdtemp(join(tmpdir(), "mo-traversal-"));
  const stateDir = join(root, "state", "deep");
  const evil = "../../escaped";
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJVc2VySUQiOiJib3QiLCJQbGF0Zm9ybUlEIjo1fQ.c2VjcmV0LXNpZ25hdHVyZQ";
  const logs = createLogCapture();
  try {
    const block = {
      accounts: { [evil]: { token, wsAddr: "ws://127.0.0.1:1", apiAddr: "http://127.0.0.1:1" } },
    };
    const before = await tree(root);
    const validation = validateChannelConfig(block);
    const named = validation.errors.some(
      (e) => e.message.includes(evil) && e.path.startsWith("channels.multi-openim"),
    );
    const cfg = { channels: { "multi-openim": block } };
    const listed = multiOpenim.channel.config.listAccountIds(cfg);
    // Listing it is fine (OpenClaw then shows it as not configured); resolving it as runnable is not.
    const resolved = multiOpenim.channel.config.resolveAccount(cfg, evil);
    const refresher = createTokenRefresher({
      tokenRefresh: {
        mode: "http",
        manualLoginMarkerPath: join(stateDir, "manual-login.json"),
        http: {
          endpoint: "http://127.0.0.1:9/refresh/{accountId}",
          responseTokenPath: "token",
          timeoutMs: 500,
        },
      },
      logger: logs.logger,
      secrets: [token],
    });
    const refresh = await refresher.refresh(evil, "test");
    refresher.dispose?.();
    const after = await tree(root);
    const refused = named && !resolved.configured && !refresh.ok && refresh.code === "ACCOUNT_ID_INVALID";
    const messages = [...validation.errors.map((e) => e.message), refresh.ok ? "" : refresh.message];
    return {
      fault: "config with a path-traversal accountId",
      recovered: refused && after.join() === before.join(),
      outcome: `${named ? "rejected by core naming the id" : "NOT rejected by core"}; plugin: ${resolved.configured ? "RUNNABLE" : `${listed.includes(evil) ? "listed, " : ""}not runnable (${resolved.reason})`}; refresh ${refresh.ok ? "RAN" : refresh.code}; files created: ${after.length - before.length}`,
      sent: 0,
      received: 0,
      duplicates: 0,
      refreshCalls: 0,
      secretsInLogs: logs.leaks([token], messages).length,
      logLines: logs.lines.length + messages.length,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
