import { expect, test } from "vitest";
import { type Clock, ManualClock, realClock, sleepOn } from "./clock.js";
import { Recovery, type RecoveryDeps } from "./recovery.js";
import type { LoginOutcome, SdkSession } from "./session.js";
import { StatusTracker } from "./status.js";
import type { RefreshOutcome } from "./types.js";

// The state machine alone, with scripted logins; the devserver tests run it with the real SDK.
function setup(
  outcomes: LoginOutcome[],
  refreshes: RefreshOutcome[] = [],
  clock: Clock = realClock,
  extra: Partial<RecoveryDeps> = {},
) {
  let inFlight = 0;
  let maxInFlight = 0;
  const log: string[] = [];
  const refreshedAt: number[] = [];
  const abort = new AbortController();
  const status = new StatusTracker("r", true, () => undefined);
  const deps: RecoveryDeps = {
    accountId: "r",
    refresher: {
      refresh: async (_id, reason) => {
        log.push(`refresh ${reason}`);
        refreshedAt.push(clock.now());
        return refreshes.shift() ?? { ok: true, token: `t${log.length}` };
      },
    },
    status,
    signal: abort.signal,
    log: () => undefined,
    backoff: { baseMs: 1, capMs: 5 },
    kick: { baseMs: 50, capMs: 100 },
    loginTimeoutMs: 1000,
    clock,
    newSession: () =>
      ({
        login: async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleepOn(clock, 20);
          inFlight--;
          const outcome = outcomes.shift() ?? { kind: "connected" };
          log.push(`login ${outcome.kind}`);
          return outcome;
        },
      }) as unknown as SdkSession,
    retireSession: () => undefined,
    tokenRefreshed: (token) => log.push(`token ${token}`),
    attemptSettled: () => undefined,
    ...extra,
  };
  return { recovery: new Recovery(deps), log, refreshedAt, status, maxInFlight: () => maxInFlight, abort };
}

test("requests during a recovery merge into it: one login at a time, and a connected login answers them all", async () => {
  const { recovery, log, maxInFlight } = setup([]);
  const all = [
    recovery.request({ refresh: false, reason: "start" }),
    recovery.request({ refresh: true, reason: "OnUserTokenExpired errCode=1501" }),
    recovery.request({ refresh: false, reason: "stalled" }),
  ];
  await Promise.all(all);
  expect(maxInFlight()).toBe(1);
  expect(log).toEqual(["login connected"]);
  // Nothing left over leaks into the next recovery.
  await recovery.request({ refresh: false, reason: "stalled" });
  expect(log).toEqual(["login connected", "login connected"]);
});

test("a refresh requested while a failed login backs off is merged into the next round", async () => {
  const { recovery, log, maxInFlight } = setup([{ kind: "failed", errCode: 10000, errMsg: "refused" }]);
  const first = recovery.request({ refresh: false, reason: "start" });
  await new Promise((r) => setTimeout(r, 5));
  const second = recovery.request({ refresh: true, reason: "OnKickedOffline errCode=1506" });
  await Promise.all([first, second]);
  expect(maxInFlight()).toBe(1);
  expect(log).toEqual([
    "login failed",
    "refresh OnKickedOffline errCode=1506",
    "token t2",
    "login connected",
  ]);
});

test("a token error at login refreshes and retries; three fresh tokens refused → needs-login", async () => {
  const refused: LoginOutcome = { kind: "token", event: "OnUserTokenInvalid", errCode: 1502, errMsg: "bad" };
  // On a manual clock: the 1 s gaps between refreshes pass without sleeping through them.
  const clock = new ManualClock();
  const { recovery, log, refreshedAt, status } = setup([refused, refused, refused, refused], [], clock);
  let done = false;
  void recovery.request({ refresh: false, reason: "start" }).then(() => (done = true));
  for (let i = 0; i < 1000 && !done; i++) await clock.advance(10);
  expect(done).toBe(true);
  expect(log.filter((l) => l.startsWith("refresh"))).toHaveLength(3);
  // Never two refreshes within MIN_REFRESH_GAP_MS (1 s), whatever the logins' pace.
  expect(refreshedAt[1]! - refreshedAt[0]!).toBeGreaterThanOrEqual(1000);
  expect(refreshedAt[2]! - refreshedAt[1]!).toBeGreaterThanOrEqual(1000);
  expect(recovery.needsLogin).toBe(true);
  expect(status.snapshot()).toMatchObject({ auth: "needs-login", connected: false });
  expect(status.snapshot().lastError).toContain("refused 3 freshly refreshed tokens");
});

test("a retryable refresh failure is not looped on: the recovery waits for the refresher's own result", async () => {
  const retryable: RefreshOutcome = {
    ok: false,
    code: "REFRESH_NETWORK",
    message: "connect ECONNREFUSED",
    markerPath: "/m.json",
    retryable: true,
    retryAfterMs: 2000,
  };
  const { recovery, log, status } = setup([], [retryable]);
  await recovery.request({ refresh: true, reason: "OnUserTokenExpired errCode=1501" });
  await new Promise((r) => setTimeout(r, 50));
  expect(log).toEqual(["refresh OnUserTokenExpired errCode=1501"]);
  expect(recovery.waitingForToken).toBe(true);
  expect(status.snapshot()).toMatchObject({ auth: "refreshing", connected: false });
  expect(status.snapshot().lastError).toContain("tries again in 2 s");
  // A second retryable result from the engine changes only the text; the token then logs in.
  recovery.engineResult({ ...retryable, code: "REFRESH_TIMEOUT" });
  expect(status.snapshot().lastError).toContain("REFRESH_TIMEOUT");
  recovery.engineResult({ ok: true, token: "from-engine" });
  await until(() => log.includes("login connected"));
  expect(log).toEqual(["refresh OnUserTokenExpired errCode=1501", "token from-engine", "login connected"]);
});

test("a terminal refresh failure (retryable: false) stops at needs-login, also when the engine reports it", async () => {
  const terminal = setup(
    [],
    [{ ok: false, code: "REFRESH_DISABLED", message: "off", markerPath: "/m.json", retryable: false }],
  );
  await terminal.recovery.request({ refresh: true, reason: "OnUserTokenExpired errCode=1501" });
  expect(terminal.log).toEqual(["refresh OnUserTokenExpired errCode=1501"]);
  expect(terminal.status.snapshot()).toMatchObject({ auth: "needs-login" });
  expect(terminal.status.snapshot().lastError).toContain("/m.json");

  const later = setup(
    [],
    [{ ok: false, code: "REFRESH_TIMEOUT", message: "slow", markerPath: "/m.json", retryable: true }],
  );
  await later.recovery.request({ refresh: true, reason: "OnUserTokenExpired errCode=1501" });
  later.recovery.engineResult({
    ok: false,
    code: "REFRESH_HTTP_STATUS",
    message: "refresh endpoint answered HTTP 401",
    markerPath: "/m.json",
    retryable: false,
  });
  expect(later.recovery.needsLogin).toBe(true);
  expect(later.status.snapshot()).toMatchObject({ auth: "needs-login" });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

test("stop ends a recovery waiting out its backoff", async () => {
  const { recovery, abort, log } = setup([{ kind: "failed", errCode: 10000, errMsg: "refused" }]);
  const running = recovery.request({ refresh: false, reason: "start" });
  await new Promise((r) => setTimeout(r, 10));
  abort.abort();
  await running;
  expect(log.length).toBeLessThanOrEqual(2);
});

test("every login but the first waits for the process-wide reconnect gate; a stop ends that wait", async () => {
  const admissions: string[] = [];
  let open: () => void = () => undefined;
  const { recovery, log, abort } = setup(
    [{ kind: "failed", errCode: 10000, errMsg: "refused" }],
    [],
    realClock,
    {
      admitLogin: () => {
        admissions.push(`asked after ${log.length} logins`);
        return new Promise<void>((resolve) => {
          open = resolve;
        });
      },
    },
  );
  const running = recovery.request({ refresh: false, reason: "start" });
  await until(() => admissions.length === 1);
  // The first login went at once; the retry after its failure waits for the gate.
  expect(admissions).toEqual(["asked after 1 logins"]);
  expect(log).toEqual(["login failed"]);
  open();
  await running;
  expect(log).toEqual(["login failed", "login connected"]);

  // A stop while waiting for the gate ends the recovery without a login.
  const stopped = recovery.request({ refresh: false, reason: "stalled" });
  await until(() => admissions.length === 2);
  abort.abort();
  await stopped;
  expect(log).toEqual(["login failed", "login connected"]);
});
