import { backoffDelay } from "./backoff.js";
import { type Clock, type ClockTimer, realClock } from "./clock.js";
import { createHistoryApi, type HistoryApi } from "./history.js";
import type { InboundPipeline } from "./inbound.js";
import type { SdkSession } from "./session.js";

export interface CatchUpRunnerOptions {
  inbound: InboundPipeline;
  historyTimeoutMs: number;
  /** The live SDK session, if any. */
  session: () => SdkSession | undefined;
  /** False once the client is stopped: no retry is planned then. */
  running: () => boolean;
  warn: (message: string) => void;
  /** The retry timer runs on it (default: the real clock). */
  clock?: Clock;
}

/**
 * When the client catches up through history: after each sync (or failed sync) of a connected
 * session, and again with backoff after a failure, for as long as that session lives.
 */
export class CatchUpRunner {
  private history: { session: SdkSession; api: HistoryApi } | undefined;
  private retry: ClockTimer | undefined;
  private failures = 0;

  private readonly clock: Clock;

  constructor(private readonly options: CatchUpRunnerOptions) {
    this.clock = options.clock ?? realClock;
  }

  /** One history API per instance: it tracks the instance's single history cursor. */
  historyFor(session: SdkSession): HistoryApi {
    if (this.history?.session !== session) {
      this.history = { session, api: createHistoryApi(session.sdk, this.options.historyTimeoutMs) };
    }
    return this.history.api;
  }

  run(): void {
    const session = this.options.session();
    if (!session?.connected) return;
    this.clock.clearTimeout(this.retry);
    void this.options.inbound.catchUpAll(this.historyFor(session)).then((done) => {
      if (done) this.failures = 0;
    });
  }

  /**
   * Any failed catch-up (full, or a gap in one conversation) leaves the queue held; a full catch-up
   * covers both, so that is what is retried, with backoff, while the session lives.
   */
  failed(error: unknown): void {
    const session = this.options.session();
    if (!session?.connected || !this.options.running()) return;
    const delay = backoffDelay(++this.failures, 1000, 15_000);
    this.options.warn(
      `catch-up failed (${String((error as Error)?.message ?? error)}); retrying in ${delay} ms`,
    );
    this.clock.clearTimeout(this.retry);
    this.retry = this.clock.setTimeout(() => {
      if (this.options.session() === session) this.run();
    }, delay);
  }

  /** The session is gone: its history API with it. */
  forget(): void {
    this.history = undefined;
  }

  stop(): void {
    this.clock.clearTimeout(this.retry);
    this.retry = undefined;
  }
}
