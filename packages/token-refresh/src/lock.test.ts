import { type ChildProcess, spawn } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { createTokenRefresher } from "./refresher.js";
import { useAuthFixtures } from "./test-fixtures.js";

// Real processes (the built package), a real loopback auth server, real files: the cross-process guarantees.
const { dir, serve } = useAuthFixtures();
const cwd = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** A process with its own refresher; on "go" it fires `count` concurrent refreshes of "shared". */
const CHILD = `
  const { createTokenRefresher } = await import("@multi-openim/token-refresh");
  const [endpoint, stateFile, markerPath, count] = process.argv.slice(1);
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: markerPath,
      http: {
        endpoint, stateFile, timeoutMs: 60000,
        body: { refreshToken: "{state.refresh_token}" },
        responseTokenPath: "token",
        stateWriteBack: { refresh_token: "refreshToken" },
      },
    },
    lock: { staleMs: 2000 },
  });
  console.log("ready");
  process.stdin.once("data", async () => {
    const results = await Promise.all(
      Array.from({ length: Number(count) }, (_, i) => refresher.refresh("shared", "r" + i)),
    );
    console.log(JSON.stringify(results.map((r) => (r.ok ? r.token : "FAILED " + r.code))));
    process.exit(0);
  });`;

function child(args: string[]): { proc: ChildProcess; lines: string[]; line: (n: number) => Promise<void> } {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", CHILD, ...args], { cwd });
  children.push(proc);
  const lines: string[] = [];
  let buffer = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
  });
  const line = async (n: number) => {
    for (let i = 0; i < 600 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 25));
    if (lines.length < n) throw new Error(`child ${proc.pid} printed ${lines.length} of ${n} lines`);
  };
  return { proc, lines, line };
}

/** Accepts only the current refresh token, and rotates it: a second use of one is refused (401). */
async function rotatingAuth(delayMs: number) {
  let issued = 0;
  return serve((req) => {
    const { refreshToken } = JSON.parse(req.body);
    if (refreshToken !== `rt-${issued}`)
      return { status: 401, body: { error: "refresh token already used" } };
    issued += 1;
    return { body: { token: `token-${issued}`, refreshToken: `rt-${issued}` }, delayMs };
  });
}

test("100 concurrent refreshes in 3 processes, one account, rotating refresh token: 1 request, 1 token for all", {
  timeout: 30_000,
}, async () => {
  const server = await rotatingAuth(150);
  const stateFile = dir.join("state.json");
  await writeFile(stateFile, JSON.stringify({ shared: { refresh_token: "rt-0" } }), { mode: 0o600 });
  const args = (count: number) => [`${server.url}/refresh`, stateFile, dir.join("m.json"), String(count)];
  const procs = [child(args(34)), child(args(33)), child(args(33))];
  await Promise.all(procs.map((p) => p.line(1)));
  for (const p of procs) p.proc.stdin?.write("go\n");
  await Promise.all(procs.map((p) => p.line(2)));

  const tokens = procs.flatMap((p) => JSON.parse(p.lines[1] ?? "[]") as string[]);
  expect(tokens).toHaveLength(100);
  expect(new Set(tokens)).toEqual(new Set(["token-1"]));
  expect(server.requests).toHaveLength(1);
  const state = JSON.parse(await readFile(stateFile, "utf8"));
  expect(state.shared.refresh_token).toBe("rt-1");
  expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
});

test("a killed lock holder does not block the others past the stale timeout", {
  timeout: 30_000,
}, async () => {
  const hung = await serve(() => ({ body: { token: "never" }, delayMs: 60_000 }));
  const stateFile = dir.join("state.json");
  await writeFile(stateFile, JSON.stringify({ shared: { refresh_token: "rt-0" } }));
  const holder = child([`${hung.url}/refresh`, stateFile, dir.join("m.json"), "1"]);
  await holder.line(1);
  holder.proc.stdin?.write("go\n");
  const lockDir = dir.join("locks", "shared.refresh.lock");
  for (let i = 0; i < 400; i++) {
    if (await stat(lockDir).catch(() => undefined)) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await stat(lockDir); // the holder is inside its refresh, holding the lock
  holder.proc.kill("SIGKILL");

  const good = await rotatingAuth(0);
  const refresher = createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("m.json"),
      http: {
        endpoint: `${good.url}/refresh`,
        stateFile,
        body: { refreshToken: "{state.refresh_token}" },
        responseTokenPath: "token",
        stateWriteBack: { refresh_token: "refreshToken" },
      },
    },
    lock: { staleMs: 2000 },
  });
  const started = Date.now();
  const result = await refresher.refresh("shared", "after the holder died");
  const waited = Date.now() - started;
  refresher.dispose();
  expect(result).toMatchObject({ ok: true, token: "token-1" });
  expect(waited).toBeLessThan(2000 + 2500);
  console.log(`[lock.test] took over a killed holder's lock after ${waited} ms (stale 2000 ms)`);
});
