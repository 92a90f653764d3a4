import { randomUUID } from "node:crypto";
import { say } from "../quiet-console.ts";
import { openclawArgs, runCommand } from "./harness.ts";
import { holdOpen, KEEP_HINT } from "./keep.ts";
import type { createNarrator } from "./narrator.ts";
import { isStopping, STOPPED_EARLY, stopOnSignal } from "./signals.ts";
import { startGatewayStack } from "./stack.ts";

interface RealServer {
  ws: string;
  api: string;
  token: string;
}

/** The bot's userID from its OpenIM token (a JWT whose payload carries `UserID`). */
export function tokenUserID(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    if (typeof payload.UserID === "string" && payload.UserID) return payload.UserID;
  } catch {
    // reported below
  }
  throw new Error(
    "[demo] --token: not an OpenIM token (a JWT with a UserID claim); pass the bot's user token",
  );
}

/** The server's own REST API (what the SDK calls too): does it know this user with this token? */
async function askServer(server: RealServer, userID: string): Promise<string> {
  const res = await fetch(`${server.api}/user/get_users_info`, {
    method: "POST",
    headers: { "content-type": "application/json", token: server.token, operationID: randomUUID() },
    body: JSON.stringify({ userIDs: [userID] }),
    signal: AbortSignal.timeout(15_000),
  }).catch((error: unknown) => {
    throw new Error(`[demo] --api ${server.api}: no answer (${(error as Error).message})`);
  });
  const body = (await res.json().catch(() => ({}))) as {
    errCode?: number;
    errMsg?: string;
    data?: { usersInfo?: { userID: string; nickname?: string }[] };
  };
  if (body.errCode !== 0)
    throw new Error(`[demo] the server refused the token: ${body.errCode} ${body.errMsg}`);
  const user = body.data?.usersInfo?.find((u) => u.userID === userID);
  if (!user) throw new Error(`[demo] the server does not know user ${userID}`);
  return `user ${userID}${user.nickname ? ` ("${user.nickname}")` : ""} known to ${server.api}; token accepted`;
}

/**
 * `--ws --api --token`: one account on a real OpenIM server, over the OpenIM protocol only (token
 * refresh off: the token is the operator's). The demo has no second user there, so it cannot play
 * a human writing to the bot: it checks what one token can and says what it did not check.
 */
export async function runRealServerDemo(
  n: ReturnType<typeof createNarrator>,
  server: RealServer,
  keep: boolean,
): Promise<boolean> {
  let stack: Awaited<ReturnType<typeof startGatewayStack>> | undefined;
  let holding = false;
  let ok = false;
  stopOnSignal(async () => {
    await stack?.stop();
    if (!holding) say(STOPPED_EARLY);
    return holding && !ok ? 1 : 0;
  });
  try {
    let botUserID = "";
    const known = await n.step(`the server's API (${server.api}) accepts the bot's token`, async () => {
      botUserID = tokenUserID(server.token);
      return askServer(server, botUserID);
    });
    const up =
      known &&
      (await n.step(`start an OpenClaw gateway with one account (${botUserID}) on ${server.ws}`, async () => {
        stack = await startGatewayStack({
          accounts: () => [{ id: "real", token: server.token, wsAddr: server.ws, apiAddr: server.api }],
        });
        n.info(`gateway on 127.0.0.1:${stack.port}, config ${stack.configPath}; waiting for the account …`);
        await stack.waitFor(/\[multi-openim\] real: running/, 240_000);
        return "account real logged in and running";
      }));
    if (up && stack) {
      const s = stack;
      await n.step("openclaw channels status", async () => {
        const [cmd, args] = openclawArgs("channels", "status", "--channel", "multi-openim");
        const out = await runCommand(cmd, args, { env: s.env, timeoutMs: 120_000 });
        const lines = out.stdout.split("\n").filter((l) => /multi-openim|real/i.test(l));
        for (const line of lines) n.info(`  │ ${line.trim()}`);
        if (out.code !== 0) throw new Error(`exit ${out.code}`);
        if (!lines.some((l) => /\breal\b.*connected/i.test(l)))
          throw new Error("account real is not reported connected");
        return "account real connected";
      });
      await n.step("no token in the gateway's output", async () => {
        if (s.gateway.output.includes(server.token))
          throw new Error("the token appears in the gateway output");
        return `${s.gateway.output.split("\n").length} lines checked`;
      });
    }
    if (isStopping()) return false; // Ctrl-C: the steps it cut short are no result to show
    say(`\n${n.summary()}`);
    say(
      "Not checked against a real server: a human's message and the bot's reply, the group mention rule " +
        "(both need a second user's token there), and token refresh (off: the token is yours).",
    );
    ok = n.results.every((r) => r.ok);
    if (!keep && up) say(KEEP_HINT);
    if (keep && up && stack) {
      holding = true;
      await holdOpen({ stack, botUserID });
    }
    return ok;
  } finally {
    if (!holding) await stack?.stop();
  }
}
