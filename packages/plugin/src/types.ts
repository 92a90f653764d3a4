import type { ClientAccount, ClientOptions, SendQueueOptions, TokenRefresher } from "@multi-openim/client";
import type { TokenRefresher as RefreshEngine } from "@multi-openim/token-refresh";

/**
 * The client's own types (`import type`: erased at build, so the inlined client adds nothing at
 * runtime). The unit tests drive the channel with a double that `implements AccountClient`.
 */
export type {
  AccountClient,
  AccountClientEvents,
  AccountStatus,
  DirectoryGroup,
  DirectoryUser,
  InboundMessage,
  MediaSource,
  SendResult,
  TextOptions,
} from "@multi-openim/client";

/** OpenClaw's logger as the plugin gets it (every level but debug is there). */
export interface Logger {
  debug?(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The client's refresher, plus dispose (the gateway builds one per running account and disposes it). */
export type TokenRefresherLike = TokenRefresher & Partial<Pick<RefreshEngine, "dispose">>;

export type CreateAccountClient = (
  account: ClientAccount,
  options: ClientOptions &
    SendQueueOptions & {
      tokenRefresher: TokenRefresherLike;
      logger: Logger;
    },
) => import("@multi-openim/client").AccountClient;
