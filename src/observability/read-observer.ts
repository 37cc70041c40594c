// What reads of upstream resources cost, reported by the read-through to the request that started
// them (its log line) and to the process (metrics). A read that joined another's flight costs its
// request nothing.

export type CacheResult = 'fresh' | 'stale' | 'miss' | 'fault';
export type ReadOutcome = 'found' | 'not_found' | 'deleted' | 'unavailable';

export interface ReadObserver {
  /** One call to the upstream (a batch of many resources is one call). */
  call(upstream: string): void;
  /** What the upstream said of one resource. */
  read(upstream: string, outcome: ReadOutcome): void;
  cache(result: CacheResult): void;
}
