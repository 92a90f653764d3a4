import type { Logger } from "./types.js";

let claimed: Promise<void> | undefined;

/**
 * OpenClaw exits the gateway on any unhandled rejection nobody claims (its handler calls
 * `process.exit(1)`, seen in the soak on a token expiry: the SDK's floating REST call
 * `getOneConversationAndTryChange` rejected "token expired"). The client's own guard only listens; it
 * cannot stop OpenClaw's handler. So the plugin claims the SDK's internal rejections through
 * OpenClaw's registry (the set behind `registerUnhandledRejectionHandler`): those are the
 * client's to recover from, everything else stays fatal as OpenClaw wants. Once per process.
 */
export function claimSdkRejections(log: Logger): Promise<void> {
  claimed ??= (async () => {
    try {
      const { isSdkInternalRejection } = await import("@multi-openim/client");
      handlerRegistry().add((reason: unknown) => isSdkInternalRejection(reason));
    } catch (error) {
      log.warn(`[multi-openim] could not claim the SDK's stray rejections with OpenClaw: ${String(error)}`);
    }
  })();
  return claimed;
}

/**
 * The set behind `registerUnhandledRejectionHandler` (openclaw/plugin-sdk/runtime): a process-wide
 * singleton under this Symbol.for key, created by whichever side comes first. Used directly because
 * importing OpenClaw's runtime module costs seconds of startup for one `Set.add`.
 */
function handlerRegistry(): Set<(reason: unknown) => boolean> {
  const key = Symbol.for("openclaw.unhandledRejection.handlers");
  const g = globalThis as Record<symbol, unknown>;
  if (!(g[key] instanceof Set)) g[key] = new Set();
  return g[key] as Set<(reason: unknown) => boolean>;
}
