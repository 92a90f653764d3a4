// Test-only helpers: drive the real SDK (modern build) against a devserver and observe its events.
import { CbEvents, getSDK } from "@openim/client-sdk/lib/index.modern.mjs";
import type { DevServer } from "./server.js";

export { CbEvents };

export type SdkMessage = any;

interface SdkEvent {
  event: string;
  errCode: number;
  data: unknown;
  at: number;
}

/** One logged-in SDK instance, with every event it emitted and every message it received, in order. */
export interface TestClient {
  userID: string;
  sdk: any;
  events: SdkEvent[];
  received: SdkMessage[];
  waitEvent(name: string, timeoutMs?: number, after?: number): Promise<SdkEvent>;
  waitMessages(
    predicate: (m: SdkMessage) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<SdkMessage[]>;
  close(): void;
}

const open: TestClient[] = [];

function silentGetSDK() {
  const info = console.info;
  console.info = () => {};
  try {
    return getSDK();
  } finally {
    console.info = info;
  }
}

/** Logs `userID` into `server` with a fresh instance and a freshly minted token; resolves on OnConnectSuccess. */
export async function loginClient(
  server: DevServer,
  userID: string,
  options: { token?: string; waitSync?: boolean } = {},
): Promise<TestClient> {
  const sdk: any = silentGetSDK();
  const events: SdkEvent[] = [];
  const received: SdkMessage[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  for (const name of Object.values(CbEvents)) {
    sdk.on(name, (e: { errCode?: number; data?: unknown }) => {
      events.push({ event: name, errCode: e?.errCode ?? 0, data: e?.data, at: Date.now() });
      if (name === CbEvents.OnRecvNewMessages) received.push(...(e.data as SdkMessage[]));
      notify();
    });
  }
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const tick = () => {
        const v = check();
        if (v === undefined) return;
        waiters.delete(tick);
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(tick);
        reject(new Error(`${userID}: timed out waiting for ${what}`));
      }, timeoutMs);
      waiters.add(tick);
      tick();
    });
  const wsManagers: { connect: unknown; close(): void; ws?: WebSocket }[] = [];
  const client: TestClient = {
    userID,
    sdk,
    events,
    received,
    waitEvent: (name, timeoutMs = 10_000, after = 0) =>
      until(() => events.find((e) => e.event === name && e.at >= after), timeoutMs, name),
    waitMessages: (predicate, count = 1, timeoutMs = 10_000) => {
      // Scans only what arrived since the last check: a load test waits for 10k messages.
      const hits: SdkMessage[] = [];
      let scanned = 0;
      return until(
        () => {
          for (; scanned < received.length; scanned++)
            if (predicate(received[scanned])) hits.push(received[scanned]);
          return hits.length >= count ? hits : undefined;
        },
        timeoutMs,
        `${count} message(s)`,
      );
    },
    close: () => {
      const current = sdk.wsManager as (typeof wsManagers)[number] | undefined;
      for (const m of current ? [...wsManagers, current] : wsManagers) {
        // Nothing public stops the SDK's retry loop: neutralise connect, then close whatever socket is there.
        m.connect = () => new Promise(() => {});
        m.close();
        if (m.ws && m.ws.readyState === 0) m.ws.onopen = () => m.ws?.close();
      }
      waiters.clear();
    },
  };
  open.push(client);
  const token = options.token ?? server.mintToken(userID);
  await sdk.login({
    userID,
    token,
    wsAddr: server.wsAddr,
    apiAddr: server.apiAddr,
    platformID: 5,
    logLevel: 5,
  });
  if (sdk.wsManager) wsManagers.push(sdk.wsManager);
  await client.waitEvent(
    options.waitSync === false ? CbEvents.OnConnectSuccess : CbEvents.OnSyncServerFinish,
  );
  return client;
}

/** Closes every client opened by loginClient (call in afterEach). */
export function closeClients(): void {
  for (const c of open.splice(0)) c.close();
}

export async function sendText(
  client: TestClient,
  target: { recvID?: string; groupID?: string },
  text: string,
): Promise<SdkMessage> {
  const { data: message } = await client.sdk.createTextMessage(text);
  const { data } = await client.sdk.sendMessage({
    recvID: target.recvID ?? "",
    groupID: target.groupID ?? "",
    message,
  });
  return data;
}

/** Waits until the server saw no request for 150 ms (max 3 s): the SDK fires REST calls it never awaits. */
export async function settle(server: DevServer): Promise<void> {
  const total = () => Object.values(server.counters.requests).reduce((a, b) => a + b, 0);
  let last = total();
  let quietSince = Date.now();
  for (const start = Date.now(); Date.now() - start < 3000; ) {
    await new Promise((r) => setTimeout(r, 50));
    const now = total();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 150) return;
  }
}

/** afterEach body: close the SDK instances, let their stray calls land, then close the servers. */
export async function teardown(...servers: (DevServer | undefined)[]): Promise<void> {
  closeClients();
  for (const s of servers) if (s) await settle(s);
  for (const s of servers) await s?.close();
}
