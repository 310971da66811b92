/**
 * Resolves after `ms`, or at once when the signal aborts (a removed toxic must not hold data).
 * Node's timers can fire a little early against the clock (they count from the loop's cached
 * time), so it re-arms for any remainder: a 200 ms latency must add at least 200 ms.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  const until = performance.now() + ms;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout;
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const arm = (): void => {
      const left = until - performance.now();
      if (left <= 0) return done();
      timer = setTimeout(arm, Math.ceil(left));
    };
    signal.addEventListener('abort', done, { once: true });
    arm();
  });
}

/** Resolves only when the signal aborts: the `timeout` toxic's "hold until removed". */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
