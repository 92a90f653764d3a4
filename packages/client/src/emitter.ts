/** Minimal typed emitter: a throwing listener is reported, never allowed to break the caller's flow. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => unknown>>();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {}

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => unknown): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => unknown);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: (payload: Events[K]) => unknown): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => unknown);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        this.onListenerError(String(event), error);
      }
    }
  }

  /**
   * Like emit, and returns what the listeners promised (undefined when none returned a promise): a
   * listener that returns one says the payload is safe with it once that settles.
   */
  emitAwaitable<K extends keyof Events>(event: K, payload: Events[K]): Promise<unknown> | undefined {
    const pending: PromiseLike<unknown>[] = [];
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        const result = (listener as (payload: Events[K]) => unknown)(payload);
        if (result && typeof (result as PromiseLike<unknown>).then === "function")
          pending.push(result as PromiseLike<unknown>);
      } catch (error) {
        this.onListenerError(String(event), error);
      }
    }
    return pending.length > 0 ? Promise.all(pending) : undefined;
  }

  clear(): void {
    this.listeners.clear();
  }
}
