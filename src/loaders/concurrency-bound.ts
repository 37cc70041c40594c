/** Runs tasks with at most `bound` in flight, the rest waiting in arrival order. */
export type ConcurrencyBound = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Each request builds one, so it must cost nothing to build: p-limit, used before, spent ~4% of a
 * cache hit's CPU constructing its limiter (accessor properties on a fresh function per call).
 * A finishing task hands its slot straight to the next waiter rather than freeing it.
 */
export function concurrencyBound(bound: number): ConcurrencyBound {
  if (!Number.isInteger(bound) || bound < 1) throw new RangeError(`concurrency bound must be a positive integer, not ${bound}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async (task) => {
    if (active < bound) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
