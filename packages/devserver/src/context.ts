import { randomUUID } from "node:crypto";
import { ObjectStore } from "./objects.js";
import type { DevState } from "./state.js";
import type { TokenRegistry } from "./tokens.js";

/** Counters a test can read: open connections, successful WS logins, and requests per route. */
export interface DevServerCounters {
  /** WebSocket connections open right now. */
  connections: number;
  /** WebSocket connections accepted since start (token good). */
  connectionsTotal: number;
  /** Successful logins (accepted WS connects); rejected connects are not counted. */
  logins: number;
  /** Rejected WS connects (token or failNext errors). */
  rejectedConnects: number;
  /** Per route: REST paths like "/user/get_users_info", WS requests like "ws:1003", "ws:connect", controls called over HTTP like "/devserver/sendAs". */
  requests: Record<string, number>;
}

/** What one server instance shares between its gateway, its REST API and its controls. */
export class ServerContext {
  latencyMs = 0;
  /** REST requests being answered: close() lets them finish so an SDK never sees a half-answered call. */
  inflight = 0;
  readonly failures = new Map<string, number[]>();
  /** dropOnNextSend: per userID, whether the next send is stored before its socket is cut. */
  readonly sendDrops = new Map<string, { store: boolean }>();
  readonly unknownRoutes: string[] = [];
  readonly counters: DevServerCounters = {
    connections: 0,
    connectionsTotal: 0,
    logins: 0,
    rejectedConnects: 0,
    requests: {},
  };
  /** versionID of the versioned sync routes: one per server, so two servers never look alike to an SDK. */
  readonly versionID = randomUUID();
  readonly objects = new ObjectStore();
  apiAddr = "";
  wsAddr = "";

  constructor(
    readonly state: DevState,
    readonly tokens: TokenRegistry,
    readonly secret: string,
    readonly adminUserIDs: string[],
  ) {}

  count(route: string): void {
    this.counters.requests[route] = (this.counters.requests[route] ?? 0) + 1;
  }

  recordUnknown(route: string): void {
    this.unknownRoutes.push(route);
  }

  /** A queued failure for this route, used once (failNext). */
  takeFailure(route: string): number | undefined {
    const queue = this.failures.get(route);
    const errCode = queue?.shift();
    if (queue && queue.length === 0) this.failures.delete(route);
    return errCode;
  }

  async delay(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }
}
