import { MultiOpenimError } from "@multi-openim/core";
import { type Clock, realClock, sleepOn } from "./clock.js";
import { isSocketOpen } from "./sdk-loader.js";
import type { SdkSession } from "./session.js";

export interface ConnectionView {
  accountId: string;
  running(): boolean;
  /** The reason when the account waits for a manual login, else undefined. */
  needsLogin(): string | undefined;
  session(): SdkSession | undefined;
}

/**
 * Lets a send ride out a short reconnect instead of failing at once (or hanging on a dead socket, as the
 * SDK would): it waits for a connected session until its deadline, woken early on connect or stop.
 */
export class ConnectionWaiters {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly clock: Clock = realClock) {}

  wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async connectedSession(view: ConnectionView, deadline: number): Promise<SdkSession> {
    for (;;) {
      if (!view.running())
        throw new MultiOpenimError("STOPPED", `[client] account=${view.accountId} is stopped`);
      const reason = view.needsLogin();
      if (reason !== undefined) {
        throw new MultiOpenimError(
          "NEEDS_LOGIN",
          `[client] account=${view.accountId} needs a manual login: ${reason}`,
        );
      }
      const session = view.session();
      if (session?.connected && isSocketOpen(session.sdk)) return session;
      const left = deadline - this.clock.now();
      if (left <= 0) {
        throw new MultiOpenimError(
          "NOT_CONNECTED",
          `[client] account=${view.accountId} is not connected (waited for a reconnect)`,
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        void sleepOn(this.clock, Math.min(left, 1000)).then(wake);
      });
    }
  }
}
