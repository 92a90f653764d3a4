import { randomUUID } from "node:crypto";
import { redactSecrets } from "@multi-openim/core";

/** What one REST call with the token says about it (no WebSocket login, so no session is ever kicked). */
export type RestCheck =
  | { ok: true; nickname?: string }
  | { ok: false; kind: "token"; errCode: number; message: string }
  | { ok: false; kind: "not-openim"; message: string }
  | { ok: false; kind: "unreachable"; message: string }
  | { ok: false; kind: "server"; errCode: number; message: string };

export interface RestCheckInput {
  apiAddr: string;
  token: string;
  userID: string;
}

/** OpenIM's token error codes (1501 expired … 1507 not exist). */
const TOKEN_CODES = new Set([1501, 1502, 1503, 1504, 1505, 1506, 1507]);

/**
 * `POST <apiAddr>/user/get_users_info` with the token: valid token → errCode 0 and the user. A REST call
 * leaves the account's live WebSocket session alone (a second WS login on the same platform would kick it
 * on a real server), so the gateway's status probe and `channels login` can both use it.
 */
export async function checkTokenOverRest(input: RestCheckInput, timeoutMs: number): Promise<RestCheck> {
  const url = `${input.apiAddr.replace(/\/+$/, "")}/user/get_users_info`;
  const redact = (text: string) => redactSecrets(text, [input.token]);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", token: input.token, operationID: randomUUID() },
      body: JSON.stringify({ userIDs: [input.userID] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const timedOut = (error as Error).name === "TimeoutError";
    return {
      ok: false,
      kind: "unreachable",
      message: redact(
        `${url}: ${timedOut ? `no answer within ${timeoutMs} ms` : (cause ?? (error as Error).message)}`,
      ),
    };
  }
  const text = await response.text().catch(() => "");
  let body: { errCode?: unknown; errMsg?: unknown; data?: { usersInfo?: { nickname?: string }[] } };
  try {
    body = JSON.parse(text);
  } catch {
    body = {};
  }
  if (typeof body.errCode !== "number") {
    return {
      ok: false,
      kind: "not-openim",
      message: `${url} answered HTTP ${response.status} without OpenIM's {errCode} body: is apiAddr the REST port?`,
    };
  }
  const errMsg = redact(String(body.errMsg ?? ""));
  if (body.errCode === 0) {
    const nickname = body.data?.usersInfo?.[0]?.nickname;
    return nickname ? { ok: true, nickname } : { ok: true };
  }
  if (TOKEN_CODES.has(body.errCode))
    return { ok: false, kind: "token", errCode: body.errCode, message: `errCode ${body.errCode}: ${errMsg}` };
  return { ok: false, kind: "server", errCode: body.errCode, message: `errCode ${body.errCode}: ${errMsg}` };
}

/** The ws address spoken as http(s), to ask whether it is really the REST port. */
function asHttp(wsAddr: string): string | undefined {
  try {
    const url = new URL(wsAddr);
    url.protocol = url.protocol === "wss:" ? "https:" : "http:";
    return url.origin;
  } catch {
    return undefined;
  }
}

/**
 * When apiAddr does not speak OpenIM REST, checks whether wsAddr does: then the two ports were swapped, and
 * the message says which looks wrong instead of blaming the server.
 */
export async function detectSwappedPorts(
  input: RestCheckInput & { wsAddr: string },
  timeoutMs: number,
): Promise<string | undefined> {
  const wsAsHttp = asHttp(input.wsAddr);
  if (!wsAsHttp) return undefined;
  const viaWs = await checkTokenOverRest({ ...input, apiAddr: wsAsHttp }, timeoutMs);
  if (!viaWs.ok && viaWs.kind !== "token" && viaWs.kind !== "server") return undefined;
  const ws = new URL(input.wsAddr);
  const api = new URL(input.apiAddr);
  return (
    `wsAddr ${input.wsAddr} answers OpenIM's REST API and apiAddr ${input.apiAddr} does not: ` +
    `the ports look swapped; try --ws ${ws.protocol}//${ws.hostname}:${api.port || "10001"} --api ${api.protocol}//${api.hostname}:${ws.port || "10002"}`
  );
}
