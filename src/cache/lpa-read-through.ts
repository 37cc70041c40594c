import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger';
import type { CacheRead, GatewayMetrics, SiriusOutcome } from '../observability/metrics';
import type { ReadObserver } from '../observability/request-stats';
import { SiriusUnavailableError } from '../sirius/errors';
import { referenceKey, type LpaReference } from '../sirius/lpa-reference';
import type { SiriusCallOptions, SiriusClient, SiriusLpaAnswer } from '../sirius/sirius-client';
import { isSiriusLpa } from '../sirius/sirius-lpa';
import type { CachedAnswer, CacheStore } from './cache-store';
import { SingleFlight } from './single-flight';

/** Where an answer came from, and when it left Sirius. */
export interface Freshness {
  source: 'LIVE' | 'CACHE';
  retrievedAt: Date;
}

export interface LpaRead {
  answer: SiriusLpaAnswer;
  freshness: Freshness;
}

export interface CachePolicy {
  /** Served from the cache without asking Sirius while younger than this (0: always ask first). */
  freshSeconds: number;
  /** Served from the cache when Sirius cannot answer, while younger than this. */
  staleIfErrorSeconds: number;
  /** Longest a response waits for its cache write (the write goes on regardless). */
  writeWaitMs: number;
  /** LPAs this process keeps in memory while fresh, in front of DynamoDB (0: none). */
  memoryEntries: number;
}

/**
 * Read-through cache for LPAs: fresh cache → Sirius → stale cache if Sirius fails. Found (200)
 * and deleted (410) answers are cached, as OPG's gateway did; "not found" never is (the LPA may
 * arrive any minute). One process makes one Sirius call per key at a time (single flight).
 */
export class LpaReadThrough {
  private readonly flights = new SingleFlight<LpaRead>();
  /**
   * Fresh answers this process has already seen, so that a hot LPA costs no DynamoDB round trip
   * within its fresh window. It holds nothing past that window (each entry's TTL is what is left
   * of it), so it never serves older data than DynamoDB would.
   */
  private readonly memory: LRUCache<string, LpaRead> | undefined;

  constructor(
    private readonly sirius: SiriusClient,
    private readonly store: CacheStore,
    private readonly policy: CachePolicy,
    private readonly logger: Logger,
    private readonly metrics: Pick<GatewayMetrics, 'siriusCall' | 'cacheRead'>,
  ) {
    if (policy.freshSeconds > 0 && policy.memoryEntries > 0) {
      this.memory = new LRUCache({ max: policy.memoryEntries, ttl: policy.freshSeconds * 1000, ttlAutopurge: false });
    }
  }

  read(ref: LpaReference, call: SiriusCallOptions, observer?: ReadObserver): Promise<LpaRead> {
    const key = referenceKey(ref);
    const remembered = this.memory?.get(key);
    if (remembered && ageMs(remembered) < this.policy.freshSeconds * 1000) {
      this.metrics.cacheRead('fresh');
      observer?.cache('fresh');
      return Promise.resolve(remembered);
    }
    return this.flights.run(key, () => {
      const report = {
        sirius: (outcome: SiriusOutcome) => {
          this.metrics.siriusCall(outcome);
          observer?.sirius(outcome);
        },
        cache: (result: CacheRead) => {
          this.metrics.cacheRead(result);
          observer?.cache(result);
        },
      };
      return this.readOnce(key, ref, call, report);
    });
  }

  private async readOnce(key: string, ref: LpaReference, call: SiriusCallOptions, report: ReadObserver): Promise<LpaRead> {
    // With no freshness window the cache is only a fallback: read it only if Sirius fails.
    const lookedFirst = this.policy.freshSeconds > 0;
    let hit = lookedFirst ? await this.cached(key, report) : undefined;
    if (hit && ageMs(hit) < this.policy.freshSeconds * 1000) {
      report.cache('fresh');
      this.remember(key, hit);
      return hit;
    }

    let answer: SiriusLpaAnswer;
    try {
      answer = await this.sirius.getLpa(ref, call);
      report.sirius(answer.outcome === 'not-found' ? 'not_found' : answer.outcome);
    } catch (error) {
      if (!(error instanceof SiriusUnavailableError)) throw error;
      report.sirius('unavailable');
      if (!lookedFirst) hit = await this.cached(key, report);
      if (hit && ageMs(hit) < this.policy.staleIfErrorSeconds * 1000) {
        report.cache('stale');
        this.logger.info({ key, ageSeconds: Math.floor(ageMs(hit) / 1000), reason: error.reason }, 'serving stale: Sirius unavailable');
        return hit;
      }
      throw error;
    }
    const retrievedAt = new Date();
    if (answer.outcome !== 'not-found') {
      const write = this.store.put(key, {
        status: answer.outcome === 'found' ? 200 : 410,
        body: answer.outcome === 'found' ? JSON.stringify(answer.lpa) : '',
        storedAt: retrievedAt.getTime(),
      });
      // Wait a little so that the next request finds it; never long enough to slow this one much.
      await Promise.race([write, new Promise((resolve) => setTimeout(resolve, this.policy.writeWaitMs).unref())]);
    }
    if (answer.outcome !== 'not-found') this.remember(key, { answer, freshness: { source: 'CACHE', retrievedAt } });
    return { answer, freshness: { source: 'LIVE', retrievedAt } };
  }

  private remember(key: string, read: LpaRead): void {
    const freshFor = this.policy.freshSeconds * 1000 - ageMs(read);
    if (this.memory && freshFor > 0) this.memory.set(key, read, { ttl: freshFor });
  }

  private async cached(key: string, report: ReadObserver): Promise<LpaRead | undefined> {
    const cached = await this.store.get(key);
    if (cached.kind === 'fault') report.cache('fault');
    const read = cached.kind === 'hit' ? toRead(cached.answer) : undefined;
    if (cached.kind !== 'fault' && !read) report.cache('miss');
    return read;
  }
}

function ageMs(read: LpaRead): number {
  return Date.now() - read.freshness.retrievedAt.getTime();
}

function toRead(cached: CachedAnswer): LpaRead | undefined {
  const freshness: Freshness = { source: 'CACHE', retrievedAt: new Date(cached.storedAt) };
  if (cached.status === 410) return { answer: { outcome: 'deleted' }, freshness };
  let lpa: unknown;
  try {
    lpa = JSON.parse(cached.body);
  } catch {
    return undefined;
  }
  return isSiriusLpa(lpa) ? { answer: { outcome: 'found', lpa }, freshness } : undefined;
}
