/**
 * @openim/client-sdk starts promises it never awaits (conversation lookups after a push, the catch-up
 * pull after a reconnect, version sync). When one fails — a REST call with an expired token, a reset
 * keep-alive socket, a WS request released after a drop — Node's default turns the unhandled rejection
 * into a crash of the whole gateway. This guard swallows those, and only those.
 */
const SDK_FRAME = /@openim[/+]client-sdk/;
/** Marks errors we create or pass on for the SDK (released requests, its REST failures). */
export const RELEASED_BY_CLIENT = Symbol.for("multi-openim.client.released");

export function isSdkInternalRejection(reason: unknown): boolean {
  if (reason instanceof Error) {
    return (
      (reason as unknown as Record<symbol, unknown>)[RELEASED_BY_CLIENT] === true ||
      SDK_FRAME.test(reason.stack ?? "")
    );
  }
  // The SDK's call wrapper rejects with plain objects: {event, operationID, data, errCode, errMsg}.
  return typeof reason === "object" && reason !== null && "errCode" in reason && "operationID" in reason;
}

const loggers = new Set<(message: string) => void>();
let swallowed = 0;

function onUnhandled(reason: unknown): void {
  if (isSdkInternalRejection(reason)) {
    swallowed++;
    const text = reason instanceof Error ? reason.message : JSON.stringify(reason);
    const [log] = loggers;
    log?.(`ignored a rejection the SDK left unhandled (${swallowed} so far): ${text.slice(0, 200)}`);
    return;
  }
  // Anything else keeps Node's default (crash) unless the host has its own handler.
  if (process.listenerCount("unhandledRejection") === 1) throw reason;
}

/** Installs the process-wide guard while at least one client uses it; returns the release function. */
export function guardSdkRejections(log: (message: string) => void): () => void {
  if (loggers.size === 0) process.on("unhandledRejection", onUnhandled);
  const entry = (message: string) => log(message);
  loggers.add(entry);
  return () => {
    if (!loggers.delete(entry)) return;
    if (loggers.size === 0) process.off("unhandledRejection", onUnhandled);
  };
}

export function sdkRejectionsSwallowed(): number {
  return swallowed;
}
