import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger';
import type { CallOptions, Upstream, UpstreamAnswer } from '../upstream/upstream';
import { UpstreamUnavailableError } from '../upstream/upstream-unavailable';
import type { CachedAnswer, CacheStore } from './cache-store';
import type { ReadObserver, ReadOutcome } from '../observability/read-observer';

/** Where an answer came from, and when it left its upstream. */
export interface Freshness {
  source: 'LIVE' | 'CACHE';
  retrievedAt: Date;
  /** Whether change events keep the copy current (else only its time window does). */
  keptCurrentBy?: 'TIME_WINDOW' | 'CHANGE_EVENTS';
}

export interface Read<Doc> {
  answer: UpstreamAnswer<Doc>;
  freshness: Freshness;
}

export interface CachePolicy {
  /** Served from the cache without asking the upstream while younger than this (0: always ask first). */
  freshSeconds: number;
  /** Served from the cache when the upstream cannot answer, while younger than this. */
  staleIfErrorSeconds: number;
  /** Longest a response waits for its cache write (the write goes on regardless). */
  writeWaitMs: number;
  /** Resources this process keeps in memory while fresh, in front of DynamoDB (0: none)… */
  memoryEntries: number;
  /** …and the bytes they may take at most: a few huge answers must not fill the heap. */
  memoryBytes: number;
  /** The upstream announces its changes, which refresh the cache (an answer says so in its freshness). */
  changeEvents?: boolean;
  /**
   * How long this process keeps its own copy (default: the fresh window). Shorter where changes
   * arrive as events that another instance may handle: the most this instance lags behind one.
   */
  memorySeconds?: number;
}

/** What applying a change did: stored the new copy, kept a newer one, or forgot one now gone. */
export type Refresh = 'refreshed' | 'kept-newer' | 'evicted';

/** The cache could not record a change: the event must be retried. */
export class CacheWriteFailedError extends Error {
  override readonly name = 'CacheWriteFailedError';
}

/** What one cached resource costs the in-process cache: its JSON, as UTF-16 in the heap, plus its keeping. */
const ENTRY_OVERHEAD_BYTES = 512;

type Report = ReadObserver;

interface Pending<Ref, Doc> {
  key: string;
  ref: Ref;
  resolve(read: Read<Doc>): void;
  reject(error: unknown): void;
}

/**
 * Read-through cache for one upstream's resources: fresh cache → upstream → stale cache if the
 * upstream fails. Found and deleted answers are cached; "not found" never is, and it evicts (the
 * resource may arrive any minute, and what was there must not come back at the next outage). One
 * process asks the upstream once per key at a time (single flight), for single reads and batches
 * alike; an upstream with a batch endpoint gets one call per batch of misses.
 */
export class ReadThrough<Ref, Doc> {
  private readonly flights = new Map<string, Promise<Read<Doc>>>();
  private readonly refreshes = new Map<string, Promise<Refresh>>();
  /**
   * Fresh answers this process has already seen, so that a hot resource costs no DynamoDB round
   * trip within its fresh window. It holds nothing past that window (each entry's TTL is what is
   * left of it), so it never serves older data than DynamoDB would.
   */
  private readonly memory: LRUCache<string, Read<Doc> & { size: number }> | undefined;

  constructor(
    private readonly upstream: Upstream<Ref, Doc>,
    private readonly store: CacheStore,
    private readonly policy: CachePolicy,
    private readonly logger: Logger,
    private readonly metrics: ReadObserver,
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

  /** The cache key: the upstream's name, then its own name for the resource. */
  keyOf(ref: Ref): string {
    return `${this.upstream.name}#${this.upstream.key(ref)}`;
  }

  read(ref: Ref, call: CallOptions, observer?: ReadObserver): Promise<Read<Doc>> {
    const key = this.keyOf(ref);
    const remembered = this.remembered(key, observer);
    if (remembered) return Promise.resolve(remembered);
    const existing = this.flights.get(key);
    if (existing) return existing;
    return this.fly(key, this.readOne(key, ref, call, this.reporter(observer)));
  }

  /**
   * Many at once, answered in the order asked (an error in place of a read that failed). Without a
   * batch endpoint this is many single reads; with one, the misses go as one call per `maxBatch`.
   */
  async readMany(refs: readonly Ref[], call: CallOptions, observer?: ReadObserver): Promise<(Read<Doc> | Error)[]> {
    if (!this.upstream.fetchMany) return Promise.all(refs.map((ref) => this.read(ref, call, observer).catch(asError)));
    const byKey = new Map<string, Promise<Read<Doc>>>();
    const pending: Pending<Ref, Doc>[] = [];
    for (const ref of refs) {
      const key = this.keyOf(ref);
      if (byKey.has(key)) continue;
      const remembered = this.remembered(key, observer);
      const existing = remembered ? Promise.resolve(remembered) : this.flights.get(key);
      if (existing) {
        byKey.set(key, existing);
        continue;
      }
      let settle!: Pick<Pending<Ref, Doc>, 'resolve' | 'reject'>;
      const promise = new Promise<Read<Doc>>((resolve, reject) => (settle = { resolve, reject }));
      byKey.set(key, this.fly(key, promise));
      pending.push({ key, ref, ...settle });
    }
    if (pending.length > 0) await this.readBatch(pending, call, this.reporter(observer));
    return Promise.all(refs.map((ref) => byKey.get(this.keyOf(ref))!.catch(asError)));
  }

  private fly(key: string, promise: Promise<Read<Doc>>): Promise<Read<Doc>> {
    this.flights.set(key, promise);
    void promise.then(
      () => this.flights.delete(key),
      () => this.flights.delete(key),
    );
    return promise;
  }

  private remembered(key: string, observer: ReadObserver | undefined): Read<Doc> | undefined {
    const remembered = this.memory?.get(key);
    if (!remembered || ageMs(remembered) >= this.policy.freshSeconds * 1000) return undefined;
    this.metrics.cache('fresh');
    observer?.cache('fresh');
    return remembered;
  }

  private reporter(observer: ReadObserver | undefined): Report {
    return {
      call: (upstream) => {
        this.metrics.call(upstream);
        observer?.call(upstream);
      },
      read: (upstream, outcome) => {
        this.metrics.read(upstream, outcome);
        observer?.read(upstream, outcome);
      },
      cache: (result) => {
        this.metrics.cache(result);
        observer?.cache(result);
      },
    };
  }

  /** With no freshness window the cache is only a fallback: read it only if the upstream fails. */
  private get looksFirst(): boolean {
    return this.policy.freshSeconds > 0;
  }

  private async readOne(key: string, ref: Ref, call: CallOptions, report: Report): Promise<Read<Doc>> {
    const hit = this.looksFirst ? await this.cached(key, ref, report) : undefined;
    if (hit && ageMs(hit) < this.policy.freshSeconds * 1000) {
      report.cache('fresh');
      return hit;
    }
    let answer: UpstreamAnswer<Doc>;
    try {
      report.call(this.upstream.name);
      answer = await this.upstream.fetch(ref, call);
    } catch (error) {
      return this.fallback(key, ref, error, hit, call, report);
    }
    report.read(this.upstream.name, outcomeOf(answer));
    return this.settle(key, answer);
  }

  private async readBatch(pending: Pending<Ref, Doc>[], call: CallOptions, report: Report): Promise<void> {
    const hits = new Map<string, Read<Doc> | undefined>();
    try {
      let misses = pending;
      if (this.looksFirst) {
        await Promise.all(pending.map(async (entry) => hits.set(entry.key, await this.cached(entry.key, entry.ref, report))));
        misses = [];
        for (const entry of pending) {
          const hit = hits.get(entry.key);
          if (hit && ageMs(hit) < this.policy.freshSeconds * 1000) {
            report.cache('fresh');
            entry.resolve(hit);
          } else misses.push(entry);
        }
      }
      const size = this.upstream.maxBatch ?? 100;
      const batches: Pending<Ref, Doc>[][] = [];
      for (let start = 0; start < misses.length; start += size) batches.push(misses.slice(start, start + size));
      await Promise.all(batches.map((batch) => this.fetchBatch(batch, hits, call, report)));
    } catch (error) {
      // A bug, not an upstream fault: every read still waiting fails with it (settled ones stay).
      for (const entry of pending) entry.reject(error);
    }
  }

  private async fetchBatch(batch: Pending<Ref, Doc>[], hits: Map<string, Read<Doc> | undefined>, call: CallOptions, report: Report): Promise<void> {
    let answers: ReadonlyMap<string, UpstreamAnswer<Doc> | UpstreamUnavailableError>;
    try {
      report.call(this.upstream.name);
      answers = await this.upstream.fetchMany!(
        batch.map((entry) => entry.ref),
        call,
      );
    } catch (error) {
      await Promise.all(
        batch.map((entry) => this.fallback(entry.key, entry.ref, error, hits.get(entry.key), call, report).then(entry.resolve, entry.reject)),
      );
      return;
    }
    await Promise.all(
      batch.map(async (entry) => {
        // The upstream leaves out what it does not hold: absent is "not found".
        const answer = answers.get(this.upstream.key(entry.ref)) ?? { outcome: 'not-found' as const };
        if (answer instanceof UpstreamUnavailableError) {
          await this.fallback(entry.key, entry.ref, answer, hits.get(entry.key), call, report).then(entry.resolve, entry.reject);
          return;
        }
        report.read(this.upstream.name, outcomeOf(answer));
        entry.resolve(await this.settle(entry.key, answer));
      }),
    );
  }

  /** The upstream failed: a usable stale copy if there is one, else its error. */
  private async fallback(key: string, ref: Ref, error: unknown, hit: Read<Doc> | undefined, call: CallOptions, report: Report): Promise<Read<Doc>> {
    if (!(error instanceof UpstreamUnavailableError)) throw error;
    report.read(this.upstream.name, 'unavailable');
    const stale = this.looksFirst ? hit : await this.cached(key, ref, report);
    if (stale && ageMs(stale) < this.policy.staleIfErrorSeconds * 1000) {
      report.cache('stale');
      // No resource id here: ids stay out of logs, as out of spans (the request id joins them up).
      this.logger.info({ requestId: call.requestId, upstream: this.upstream.name, ageSeconds: Math.floor(ageMs(stale) / 1000), reason: error.reason }, 'serving stale: upstream unavailable');
      return stale;
    }
    throw error;
  }

  /** A live answer: cached (or evicted, for "not found"), and remembered while fresh. */
  private async settle(key: string, answer: UpstreamAnswer<Doc>): Promise<Read<Doc>> {
    const retrievedAt = new Date();
    const body = answer.outcome === 'found' ? this.upstream.encode(answer.doc) : '';
    const write =
      answer.outcome === 'not-found'
        ? this.store.delete(key, retrievedAt.getTime())
        : this.store.put(key, this.cachedAnswer(answer, body, retrievedAt.getTime()));
    if (answer.outcome === 'not-found') this.memory?.delete(key);
    else this.remember(key, { answer, freshness: this.freshness('CACHE', retrievedAt) }, body.length);
    // Wait a little so that the next request finds it; never long enough to slow this one much.
    await Promise.race([write, new Promise((resolve) => setTimeout(resolve, this.policy.writeWaitMs).unref())]);
    return { answer, freshness: this.freshness('LIVE', retrievedAt) };
  }

  private cachedAnswer(answer: UpstreamAnswer<Doc>, body: string, storedAt: number): CachedAnswer {
    const version = answer.outcome === 'found' ? this.upstream.version?.(answer.doc) : undefined;
    return { status: answer.outcome === 'found' ? 200 : 410, body, storedAt, ...(version === undefined ? {} : { version }) };
  }

  /** Whether the table holds a copy of this resource at all (a DynamoDB fault throws: ask again later). */
  async holds(ref: Ref): Promise<boolean> {
    const cached = await this.store.get(this.keyOf(ref));
    if (cached.kind === 'fault') throw new CacheWriteFailedError('the cache could not be read');
    return cached.kind === 'hit';
  }

  /**
   * The upstream says the resource changed: read it again now and store it for every instance
   * (or forget it, if it is gone), whatever the fresh window. Concurrent refreshes of one resource
   * share one upstream read; a copy of an older version never replaces a newer one. Throws when the
   * upstream or the cache fails, so that the change is applied again later, never lost.
   */
  refresh(ref: Ref, call: CallOptions, observer?: ReadObserver): Promise<Refresh> {
    const key = this.keyOf(ref);
    const existing = this.refreshes.get(key);
    if (existing) return existing;
    const promise = this.refreshOnce(key, ref, call, this.reporter(observer)).finally(() => this.refreshes.delete(key));
    this.refreshes.set(key, promise);
    return promise;
  }

  private async refreshOnce(key: string, ref: Ref, call: CallOptions, report: Report): Promise<Refresh> {
    // This instance's own copy goes at once: the next read here finds the change (or the table).
    this.memory?.delete(key);
    report.call(this.upstream.name);
    const fetchedAt = Date.now();
    const answer = await this.upstream.fetch(ref, call);
    report.read(this.upstream.name, outcomeOf(answer));
    if (answer.outcome === 'not-found') {
      if ((await this.store.delete(key, fetchedAt)) === 'fault') throw new CacheWriteFailedError('the cache could not forget a resource');
      return 'evicted';
    }
    const body = answer.outcome === 'found' ? this.upstream.encode(answer.doc) : '';
    const written = await this.store.put(key, this.cachedAnswer(answer, body, fetchedAt));
    if (written === 'fault') throw new CacheWriteFailedError('the cache could not store a change');
    return written === 'superseded' ? 'kept-newer' : 'refreshed';
  }

  private freshness(source: Freshness['source'], retrievedAt: Date): Freshness {
    return { source, retrievedAt, keptCurrentBy: this.policy.changeEvents ? 'CHANGE_EVENTS' : 'TIME_WINDOW' };
  }

  private remember(key: string, read: Read<Doc>, bodyLength: number): void {
    // Kept while fresh, and no longer than this process may keep its own copy.
    const freshFor = Math.min(this.policy.freshSeconds * 1000 - ageMs(read), (this.policy.memorySeconds ?? Number.POSITIVE_INFINITY) * 1000);
    if (!this.memory || freshFor <= 0) return;
    const size = 2 * bodyLength + ENTRY_OVERHEAD_BYTES;
    // lru-cache refuses (and evicts nothing for) an entry larger than the whole budget.
    if (size <= this.policy.memoryBytes) this.memory.set(key, { ...read, size }, { ttl: freshFor });
  }

  private async cached(key: string, ref: Ref, report: Report): Promise<Read<Doc> | undefined> {
    const cached = await this.store.get(key);
    if (cached.kind === 'fault') report.cache('fault');
    const read = cached.kind === 'hit' ? this.toRead(cached.answer, ref) : undefined;
    if (cached.kind !== 'fault' && !read) report.cache('miss');
    if (read && cached.kind === 'hit') this.remember(key, read, cached.answer.body.length);
    return read;
  }

  /**
   * A cached answer, held to the same checks as a live one (shape and identity): an item written
   * by an older gateway, or tampered with, is a miss rather than a broken resource.
   */
  private toRead(cached: CachedAnswer, ref: Ref): Read<Doc> | undefined {
    const freshness = this.freshness('CACHE', new Date(cached.storedAt));
    if (cached.status === 410) return { answer: { outcome: 'deleted' }, freshness };
    const doc = this.upstream.decode(cached.body, ref);
    return doc === undefined ? undefined : { answer: { outcome: 'found', doc, bytes: cached.body.length }, freshness };
  }
}

function ageMs(read: Read<unknown>): number {
  return Date.now() - read.freshness.retrievedAt.getTime();
}

function outcomeOf(answer: UpstreamAnswer<unknown>): ReadOutcome {
  return answer.outcome === 'not-found' ? 'not_found' : answer.outcome;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
