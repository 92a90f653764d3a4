/**
 * Ctrl-C (SIGINT, from a terminal to the whole foreground group) or SIGTERM: run `stop` once and exit
 * with the code it returns. The gateway runs in a process group of its own, so only `stop` ends it;
 * a second signal while stopping is ignored rather than leaving it orphaned.
 */
let stopping = false;

/** True once Ctrl-C or SIGTERM arrived: steps failing from then on are the shutdown, not results. */
export const isStopping = () => stopping;

export function stopOnSignal(stop: () => Promise<number>): void {
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(
      (code) => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/** What Ctrl-C before the end prints: stopping early is a choice, not a failure (exit 0). */
export const STOPPED_EARLY = "\n[demo] stopped by Ctrl-C before the end; everything it started is shut down.";
