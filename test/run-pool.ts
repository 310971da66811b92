/**
 * A fixed number of runs in flight at once, shared by the tests of one file. Each demo runs its
 * sandbox, proxy and client on this one event loop, so many at once starve each other's timing; but
 * batches (start two, wait for both) leave a slot idle behind the slower run of each pair. A pool
 * starts the next run the moment one ends, so the same width finishes sooner.
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
