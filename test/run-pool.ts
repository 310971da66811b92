/**
 * A fixed number of runs in flight at once, shared by the tests of one file (it.concurrent): the next
 * starts the moment one ends. Keeping every slot busy is a higher average load than batches, so it
 * suits runs whose verdicts do not hang on this event loop's timing (the inside suite: each provider
 * is its own process, and no check there judges a schedule); the callbacks runs of the standard and
 * TCP suites keep their batches.
 */
export function runPool(width: number): <R>(work: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <R>(work: () => Promise<R>): Promise<R> => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter (running stays the same), or frees up.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
