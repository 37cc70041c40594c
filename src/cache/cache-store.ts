import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from '../logger';
import { inSpan, SpanKind } from '../observability/tracing';

// Compression runs on libuv's thread pool, not on the event loop that serves every request.
const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** One cached Sirius answer: its HTTP status (200 or 410), its body, and when it left Sirius. */
export interface CachedAnswer {
  status: 200 | 410;
  body: string;
  /** Epoch milliseconds when the upstream gave this answer. */
  storedAt: number;
  /**
   * The document's own version, where its upstream keeps one (the LPA Store's `updatedAt`): a
   * copy of an older version never replaces a newer one, whenever it was fetched.
   */
  version?: string;
}

export type CacheRead = { kind: 'hit'; answer: CachedAnswer } | { kind: 'miss' } | { kind: 'fault' };

/** Why a write did not store the answer; `stored` and `superseded` are not faults. */
export type CacheWrite = 'stored' | 'superseded' | 'too-large' | 'fault';

export interface CacheStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Bodies larger than this are gzipped (DynamoDB items are limited to 400 KB). */
  compressAboveBytes: number;
  /** How long an item is kept at all: the TTL attribute `expiresAt` is storedAt + this. */
  retainSeconds: number;
  logger: Logger;
  /** A write that did not store its answer, for metrics (a failed read is a `fault` answer). */
  onWriteFault?: (reason: Exclude<CacheWrite, 'stored' | 'superseded'>) => void;
  /** Consecutive faults after which DynamoDB is not asked for `breakerHalfOpenSeconds`. */
  breakerFailures?: number;
  breakerHalfOpenSeconds?: number;
}

/**
 * DynamoDB's item limit is 400 KB including attribute names and the key: a body above this is
 * never sent (the write could only fail, after a round trip and on every read of that LPA).
 */
export const MAX_STORED_BODY_BYTES = 380 * 1024;

/**
 * The gateway's own table of upstream answers, keyed by upstream and resource (`sirius#lpa#uid#…`).
 * It fails open: a DynamoDB fault is logged and reported as `fault`, never thrown, so a request
 * that Sirius can answer never fails because of the cache. While DynamoDB keeps failing, a
 * breaker stops asking it for a while, so a hung table costs requests nothing after the first few.
 */
export class CacheStore {
  private readonly breaker: CircuitBreakerPolicy;

  constructor(private readonly options: CacheStoreOptions) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: (options.breakerHalfOpenSeconds ?? 5) * 1000,
      breaker: new ConsecutiveBreaker(options.breakerFailures ?? 5),
    });
    this.breaker.onStateChange((state) => options.logger.warn({ circuit: CircuitState[state] }, 'cache circuit breaker changed state'));
  }

  get(key: string, nowMs = Date.now()): Promise<CacheRead> {
    return inSpan('cache GetItem', SpanKind.CLIENT, this.spanAttributes('GetItem'), async (span) => {
      const read = await this.read(key, nowMs);
      span.setAttribute('sirius_gateway.cache.outcome', read.kind);
      return read;
    });
  }

  /** Stores an answer unless the table holds a newer one for the key (`storedAt` decides). */
  put(key: string, answer: CachedAnswer): Promise<CacheWrite> {
    return inSpan('cache PutItem', SpanKind.CLIENT, this.spanAttributes('PutItem'), () => this.write(key, answer));
  }

  /** Forgets a key ("not found" now) unless a newer answer than `asOf` has been stored since. */
  delete(key: string, asOf: number): Promise<CacheWrite> {
    return inSpan('cache DeleteItem', SpanKind.CLIENT, this.spanAttributes('DeleteItem'), () =>
      this.conditionally('delete', () =>
        this.options.client.send(
          new DeleteItemCommand({
            TableName: this.options.tableName,
            Key: { pk: { S: key } },
            ConditionExpression: 'attribute_not_exists(pk) OR storedAt <= :asOf',
            ExpressionAttributeValues: { ':asOf': { N: String(asOf) } },
          }),
        ),
      ),
    );
  }

  private spanAttributes(operation: string) {
    return { 'db.system.name': 'aws.dynamodb', 'db.operation.name': operation, 'aws.dynamodb.table_names': [this.options.tableName] };
  }

  private async read(key: string, nowMs: number): Promise<CacheRead> {
    try {
      const { Item } = await this.breaker.execute(() =>
        this.options.client.send(new GetItemCommand({ TableName: this.options.tableName, Key: { pk: { S: key } }, ConsistentRead: false })),
      );
      if (!Item) return { kind: 'miss' };
      // DynamoDB deletes expired items lazily (dynalite never): expiry is checked here too.
      if (Number(Item.expiresAt?.N) * 1000 <= nowMs) return { kind: 'miss' };
      const answer = await decode(Item);
      return answer ? { kind: 'hit', answer } : { kind: 'miss' };
    } catch (error) {
      this.fault('get', error);
      return { kind: 'fault' };
    }
  }

  private async write(key: string, answer: CachedAnswer): Promise<CacheWrite> {
    const raw = Buffer.from(answer.body, 'utf8');
    const compressed = raw.length > this.options.compressAboveBytes;
    const body = compressed ? await gzip(raw) : raw;
    if (body.length > MAX_STORED_BODY_BYTES) {
      this.options.logger.warn({ bytes: body.length }, 'answer too large to cache');
      this.options.onWriteFault?.('too-large');
      return 'too-large';
    }
    return this.conditionally('put', () =>
      this.options.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            pk: { S: key },
            status: { N: String(answer.status) },
            body: { B: body },
            encoding: { S: compressed ? 'gzip' : 'identity' },
            storedAt: { N: String(answer.storedAt) },
            ...(answer.version === undefined ? {} : { version: { S: answer.version } }),
            // Rounded up: rounding down could expire an item up to a second early.
            expiresAt: { N: String(Math.ceil(answer.storedAt / 1000) + this.options.retainSeconds) },
          },
          // Two instances (or a read and a change event) may race for one key: an older answer
          // never replaces a newer one, by when it was fetched and, where kept, by its version.
          ConditionExpression:
            answer.version === undefined
              ? 'attribute_not_exists(pk) OR storedAt < :storedAt'
              : 'attribute_not_exists(pk) OR (storedAt < :storedAt AND (attribute_not_exists(version) OR version <= :version))',
          ExpressionAttributeValues: {
            ':storedAt': { N: String(answer.storedAt) },
            ...(answer.version === undefined ? {} : { ':version': { S: answer.version } }),
          },
        }),
      ),
    );
  }

  private async conditionally(operation: 'put' | 'delete', send: () => Promise<unknown>): Promise<CacheWrite> {
    try {
      await this.breaker.execute(send);
      return 'stored';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'superseded';
      this.fault(operation, error);
      this.options.onWriteFault?.('fault');
      return 'fault';
    }
  }

  /** A read of a key that never exists: proves the table answers, with only GetItem rights. */
  async isReachable(): Promise<boolean> {
    try {
      await this.options.client.send(new GetItemCommand({ TableName: this.options.tableName, Key: { pk: { S: 'health#probe' } } }));
      return true;
    } catch {
      return false;
    }
  }

  private fault(operation: 'get' | 'put' | 'delete', error: unknown) {
    // While the breaker is open nothing was sent: one warning when it opened is enough.
    if (error instanceof BrokenCircuitError) return;
    this.options.logger.warn({ operation, reason: error instanceof Error ? error.name : 'unknown' }, 'cache fault (failing open)');
  }
}

async function decode(item: Record<string, AttributeValue>): Promise<CachedAnswer | undefined> {
  const status = Number(item.status?.N);
  const bytes = item.body?.B;
  const storedAt = Number(item.storedAt?.N);
  if ((status !== 200 && status !== 410) || !bytes || !Number.isFinite(storedAt)) return undefined;
  const body = (item.encoding?.S === 'gzip' ? await gunzip(bytes) : Buffer.from(bytes)).toString('utf8');
  return { status, body, storedAt, ...(item.version?.S ? { version: item.version.S } : {}) };
}
