import { gunzipSync, gzipSync } from 'node:zlib';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Logger } from '../logger';
import { inSpan, SpanKind } from '../observability/tracing';

/** One cached Sirius answer: its HTTP status (200 or 410), its body, and when it left Sirius. */
export interface CachedAnswer {
  status: 200 | 410;
  body: string;
  /** Epoch milliseconds when Sirius gave this answer. */
  storedAt: number;
}

export type CacheRead = { kind: 'hit'; answer: CachedAnswer } | { kind: 'miss' } | { kind: 'fault' };

export interface CacheStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Bodies larger than this are gzipped (DynamoDB items are limited to 400 KB). */
  compressAboveBytes: number;
  /** How long an item is kept at all: the TTL attribute `expiresAt` is storedAt + this. */
  retainSeconds: number;
  logger: Logger;
  /** A failed write, for metrics (a failed read is reported by `get`'s own `fault` answer). */
  onWriteFault?: () => void;
}

/**
 * The gateway's own table of Sirius answers, keyed by the normalised resource (`lpa#uid#…`).
 * It fails open: a DynamoDB fault is logged and reported as `fault`, never thrown, so a request
 * that Sirius can answer never fails because of the cache.
 */
export class CacheStore {
  constructor(private readonly options: CacheStoreOptions) {}

  get(key: string, nowMs = Date.now()): Promise<CacheRead> {
    return inSpan('cache GetItem', SpanKind.CLIENT, this.spanAttributes('GetItem'), async (span) => {
      const read = await this.read(key, nowMs);
      span.setAttribute('sirius_gateway.cache.outcome', read.kind);
      return read;
    });
  }

  put(key: string, answer: CachedAnswer): Promise<void> {
    return inSpan('cache PutItem', SpanKind.CLIENT, this.spanAttributes('PutItem'), () => this.write(key, answer));
  }

  private spanAttributes(operation: string) {
    return { 'db.system.name': 'aws.dynamodb', 'db.operation.name': operation, 'aws.dynamodb.table_names': [this.options.tableName] };
  }

  private async read(key: string, nowMs: number): Promise<CacheRead> {
    try {
      const { Item } = await this.options.client.send(
        new GetItemCommand({ TableName: this.options.tableName, Key: { pk: { S: key } }, ConsistentRead: false }),
      );
      if (!Item) return { kind: 'miss' };
      const answer = decode(Item);
      // DynamoDB deletes expired items lazily (dynalite never): expiry is checked here too.
      if (!answer || Number(Item.expiresAt?.N) * 1000 <= nowMs) return { kind: 'miss' };
      return { kind: 'hit', answer };
    } catch (error) {
      this.fault('get', error);
      return { kind: 'fault' };
    }
  }

  private async write(key: string, answer: CachedAnswer): Promise<void> {
    const raw = Buffer.from(answer.body, 'utf8');
    const compressed = raw.length > this.options.compressAboveBytes;
    try {
      await this.options.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            pk: { S: key },
            status: { N: String(answer.status) },
            body: { B: compressed ? gzipSync(raw) : raw },
            encoding: { S: compressed ? 'gzip' : 'identity' },
            storedAt: { N: String(answer.storedAt) },
            // Rounded up: rounding down could expire an item up to a second early.
            expiresAt: { N: String(Math.ceil(answer.storedAt / 1000) + this.options.retainSeconds) },
          },
        }),
      );
    } catch (error) {
      this.fault('put', error);
      this.options.onWriteFault?.();
    }
  }

  /** A read of a key that never exists: proves the table answers, with only GetItem rights. */
  async isReachable(): Promise<boolean> {
    try {
      await this.options.client.send(
        new GetItemCommand({ TableName: this.options.tableName, Key: { pk: { S: 'health#probe' } } }),
      );
      return true;
    } catch {
      return false;
    }
  }

  private fault(operation: 'get' | 'put', error: unknown) {
    this.options.logger.warn({ operation, reason: error instanceof Error ? error.name : 'unknown' }, 'cache fault (failing open)');
  }
}

function decode(item: Record<string, AttributeValue>): CachedAnswer | undefined {
  const status = Number(item.status?.N);
  const bytes = item.body?.B;
  const storedAt = Number(item.storedAt?.N);
  if ((status !== 200 && status !== 410) || !bytes || !Number.isFinite(storedAt)) return undefined;
  const body = (item.encoding?.S === 'gzip' ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
  return { status, body, storedAt };
}
