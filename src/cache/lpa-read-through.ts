import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger';
import type { CacheRead, GatewayMetrics, SiriusOutcome } from '../observability/metrics';
import type { ReadObserver } from '../observability/request-stats';
import { SiriusUnavailableError } from '../sirius/errors';
import { referenceKey, type LpaReference } from '../sirius/lpa-reference';
import type { SiriusCallOptions, SiriusClient, SiriusLpaAnswer } from '../sirius/sirius-client';
import { interpretLpaResponse } from '../sirius/sirius-client';
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

/** What one LPA costs the in-process cache: its JSON, as UTF-16 in the heap, plus its keeping. */
const ENTRY_OVERHEAD_BYTES = 512;

export interface CachePolicy {
  /** Served from the cache without asking Sirius while younger than this (0: always ask first). */
  freshSeconds: number;
  /** Served from the cache when Sirius cannot answer, while younger than this. */
  staleIfErrorSeconds: number;
  /** Longest a response waits for its cache write (the write goes on regardless). */
  writeWaitMs: number;
  /** LPAs this process keeps in memory while fresh, in front of DynamoDB (0: none)… */
  memoryEntries: number;
  /** …and the bytes they may take at most: a few huge answers must not fill the heap. */
  memoryBytes: number;
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
  private readonly memory: LRUCache<string, LpaRead & { size: number }> | undefined;

  constructor(
    private readonly sirius: SiriusClient,
    private readonly store: CacheStore,
    private readonly policy: CachePolicy,
    private readonly logger: Logger,
    private readonly metrics: Pick<GatewayMetrics, 'siriusCall' | 'cacheRead'>,
  ) {
    if (policy.freshSeconds > 0 && policy.memoryEntries > 0 && policy.memoryBytes > 0) {
      this.memory = new LRUCache({
        max: policy.memoryEntries,
        maxSize: policy.memoryBytes,
        sizeCalculation: (entry) => entry.size,
        ttl: policy.freshSeconds * 1000,
        ttlAutopurge: false,
      });
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
    let hit = lookedFirst ? await this.cached(key, ref, report) : undefined;
    if (hit && ageMs(hit) < this.policy.freshSeconds * 1000) {
      report.cache('fresh');
      return hit;
    }

    let answer: SiriusLpaAnswer;
    try {
      answer = await this.sirius.getLpa(ref, call);
      report.sirius(answer.outcome === 'not-found' ? 'not_found' : answer.outcome);
    } catch (error) {
      if (!(error instanceof SiriusUnavailableError)) throw error;
      report.sirius('unavailable');
      if (!lookedFirst) hit = await this.cached(key, ref, report);
      if (hit && ageMs(hit) < this.policy.staleIfErrorSeconds * 1000) {
        report.cache('stale');
        // No LPA id here: ids stay out of logs, as out of spans (the request id joins them up).
        this.logger.info({ requestId: call.requestId, ageSeconds: Math.floor(ageMs(hit) / 1000), reason: error.reason }, 'serving stale: Sirius unavailable');
        return hit;
      }
      throw error;
    }
    const retrievedAt = new Date();
    const body = answer.outcome === 'found' ? JSON.stringify(answer.lpa) : '';
    // "Not found" is never cached, and it evicts: an LPA Sirius no longer knows must not come
    // back from the cache at the next outage.
    const write =
      answer.outcome === 'not-found'
        ? this.store.delete(key, retrievedAt.getTime())
        : this.store.put(key, { status: answer.outcome === 'found' ? 200 : 410, body, storedAt: retrievedAt.getTime() });
    if (answer.outcome === 'not-found') this.memory?.delete(key);
    else this.remember(key, { answer, freshness: { source: 'CACHE', retrievedAt } }, body.length);
    // Wait a little so that the next request finds it; never long enough to slow this one much.
    await Promise.race([write, new Promise((resolve) => setTimeout(resolve, this.policy.writeWaitMs).unref())]);
    return { answer, freshness: { source: 'LIVE', retrievedAt } };
  }

  private remember(key: string, read: LpaRead, bodyLength: number): void {
    const freshFor = this.policy.freshSeconds * 1000 - ageMs(read);
    if (!this.memory || freshFor <= 0) return;
    const size = 2 * bodyLength + ENTRY_OVERHEAD_BYTES;
    // lru-cache refuses (and evicts nothing for) an entry larger than the whole budget.
    if (size <= this.policy.memoryBytes) this.memory.set(key, { ...read, size }, { ttl: freshFor });
  }

  private async cached(key: string, ref: LpaReference, report: ReadObserver): Promise<LpaRead | undefined> {
    const cached = await this.store.get(key);
    if (cached.kind === 'fault') report.cache('fault');
    const read = cached.kind === 'hit' ? toRead(cached.answer, ref) : undefined;
    if (cached.kind !== 'fault' && !read) report.cache('miss');
    if (read && cached.kind === 'hit') this.remember(key, read, cached.answer.body.length);
    return read;
  }
}

function ageMs(read: LpaRead): number {
  return Date.now() - read.freshness.retrievedAt.getTime();
}

/**
 * A cached answer, held to the same checks as Sirius's own (shape and identity): an item written
 * by an older gateway, or tampered with, is a miss rather than a broken LPA.
 */
function toRead(cached: CachedAnswer, ref: LpaReference): LpaRead | undefined {
  const freshness: Freshness = { source: 'CACHE', retrievedAt: new Date(cached.storedAt) };
  if (cached.status === 410) return { answer: { outcome: 'deleted' }, freshness };
  try {
    const answer = interpretLpaResponse(200, [JSON.parse(cached.body)], ref, cached.body.length);
    return answer.outcome === 'found' ? { answer, freshness } : undefined;
  } catch {
    return undefined;
  }
}
