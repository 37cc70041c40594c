import type { CacheResult, ReadObserver } from './read-observer';

/** What one request cost, for its log line: calls it made to each upstream and how its cache reads went. */
export interface RequestStats {
  upstreamCalls: Record<string, number>;
  cache: Record<CacheResult, number>;
}

export function newRequestStats(): RequestStats {
  return { upstreamCalls: {}, cache: { fresh: 0, stale: 0, miss: 0, fault: 0 } };
}

/** Reported by the read-through to the request that started a read (a coalesced read costs the
 *  requests that joined it nothing). */
export function observerFor(stats: RequestStats): ReadObserver {
  return {
    call: (upstream) => void (stats.upstreamCalls[upstream] = (stats.upstreamCalls[upstream] ?? 0) + 1),
    read: () => undefined,
    cache: (result) => void (stats.cache[result] += 1),
  };
}
