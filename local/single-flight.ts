/**
 * One run of a periodic job at a time, never a queue of them. A timer that fires while a run
 * is still going skips (`whenIdle`): queuing it would stack runs behind a slow one, each
 * doing the same work again. A caller that needs a run that starts after now (`fresh`), such
 * as the demo waiting for mail it just sent, gets one, shared with every other such caller.
 */
export interface SingleFlight<T> {
  /** Starts a run unless one is going; for timers. */
  whenIdle(): void;
  /** A run that starts after this call: the running one first, then one more (shared). */
  fresh(): Promise<T>;
  /** Settles when no run is going or queued. */
  idle(): Promise<void>;
}

export function singleFlight<T>(run: () => Promise<T>): SingleFlight<T> {
  let current: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  const start = (): Promise<T> => {
    const p = run().finally(() => {
      if (current === p) current = null;
    });
    current = p;
    return p;
  };
  return {
    whenIdle() {
      if (!current && !queued) start().catch(() => undefined);
    },
    fresh() {
      if (!current) return start();
      queued ??= current
        .catch(() => undefined)
        .then(() => {
          queued = null;
          return start();
        });
      return queued;
    },
    async idle() {
      while (current || queued) await (queued ?? current)!.catch(() => undefined);
    },
  };
}
