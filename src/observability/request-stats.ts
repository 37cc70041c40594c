import type { CacheRead, SiriusOutcome } from './metrics';

/** What one request cost, for its log line: Sirius calls it made and how its cache reads went. */
export interface RequestStats {
  siriusCalls: number;
  cache: Record<CacheRead, number>;
}

export function newRequestStats(): RequestStats {
  return { siriusCalls: 0, cache: { fresh: 0, stale: 0, miss: 0, fault: 0 } };
}

/** Reported by the read-through to the request that started a read (a coalesced read costs the
 *  requests that joined it nothing). */
export interface ReadObserver {
  sirius(outcome: SiriusOutcome): void;
  cache(result: CacheRead): void;
}

export function observerFor(stats: RequestStats): ReadObserver {
  return {
    sirius: () => void (stats.siriusCalls += 1),
    cache: (result) => void (stats.cache[result] += 1),
  };
}
