import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GraphQLError } from 'graphql';
import type { Logger } from '../logger';

// Idempotent mutations: the first result for a key is kept (sealed: it may hold a new code) for
// 24 hours, and a retry with the same key and the same input gets it back without the work being
// done again. The same key with other input is refused. While an attempt runs it holds a lease;
// if it dies, the lease lapses and a retry does the work.
//
// Each attempt has an id, and only the attempt holding the lease may keep its result or release
// the key: a late attempt never overwrites a newer one. Once the work is done its result is
// returned even if it cannot be kept (the write is retried a few times first): failing a request
// whose work succeeded would leave the caller unable to learn that it did. A retry then does the
// work again, so work must recognise its own completed attempt (`keyDigest`, below). Transient
// answers are not kept: the key is released, and a retry is evaluated afresh.
//
// The record's key and the input's fingerprint are keyed digests (HMAC): the input holds dates of
// birth, which a plain hash would give away to anyone hashing the 46,000 days since 1900.

export interface IdempotencySecrets {
  /** The id of the key the digests and seals are made under, kept on each record (see code-store.ts). */
  keyId(): Promise<string>;
  /** A keyed digest (HMAC) of text that may hold personal data. */
  fingerprint(text: string): Promise<string>;
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

export interface IdempotencyOptions {
  retainSeconds: number;
  leaseSeconds: number;
  logger: Logger;
  now?: () => number;
}

/** What an attempt's work is told: a keyed digest of its (scope, key), the same on every retry. */
export interface IdempotentAttempt {
  keyDigest: string;
}

export interface RunOptions<T> {
  /** True for a result that may differ a little later (a rate limit): released, never kept. */
  transient?: (result: T) => boolean;
}

const KEY = /^[\w.:-]{1,128}$/;
/** Tries at keeping a result, on top of the SDK's own retries. */
const KEEP_TRIES = 3;

export class IdempotencyStore {
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly secrets: IdempotencySecrets,
    private readonly options: IdempotencyOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Runs `work` once per (scope, key); `input` must be the same on every retry. */
  async run<T>(scope: string, key: string, input: unknown, work: (attempt: IdempotentAttempt) => Promise<T>, options: RunOptions<T> = {}): Promise<T> {
    if (!KEY.test(key)) throw idempotencyError('An idempotency key is 1 to 128 letters, digits, or . _ : -', 'BAD_USER_INPUT', 400);
    const keyDigest = await this.secrets.fingerprint(`key:${scope}\n${key}`);
    const pk = { S: `idem#${keyDigest}` };
    const fingerprint = await this.secrets.fingerprint(`input:${canonicalJson(input)}`);
    const keyId = await this.secrets.keyId();
    const attempt = randomUUID();
    const now = this.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk,
            fingerprint: { S: fingerprint },
            keyId: { S: keyId },
            state: { S: 'pending' },
            attempt: { S: attempt },
            leaseUntil: { N: String(now + this.options.leaseSeconds * 1000) },
            ttl: { N: String(Math.ceil(now / 1000) + this.options.retainSeconds) },
          },
          // A new key, or one whose last attempt died holding its lease.
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :pending AND leaseUntil < :now AND fingerprint = :fingerprint)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': { S: 'pending' }, ':now': { N: String(now) }, ':fingerprint': { S: fingerprint } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.replay<T>(pk, fingerprint);
    }

    let result: T;
    try {
      result = await work({ keyDigest });
    } catch (error) {
      // Nothing to replay: let a retry try again.
      await this.release(pk, attempt);
      throw error;
    }
    if (options.transient?.(result)) await this.release(pk, attempt);
    else await this.keep(pk, attempt, result, scope);
    return result;
  }

  /** Stores the result, if this attempt still holds the key; never fails the request. */
  private async keep(pk: AttributeValue, attempt: string, result: unknown, scope: string): Promise<void> {
    const sealed = await this.secrets.seal(JSON.stringify(result));
    for (let tries = 1; ; tries++) {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: { pk },
            UpdateExpression: 'SET #state = :done, #result = :result',
            ConditionExpression: '#state = :pending AND attempt = :attempt',
            ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
            ExpressionAttributeValues: { ':done': { S: 'done' }, ':pending': { S: 'pending' }, ':attempt': { S: attempt }, ':result': { S: sealed } },
          }),
        );
        return;
      } catch (error) {
        // Scope (caller and field) and the error's name only: never the key, the input or the result.
        if (error instanceof ConditionalCheckFailedException) {
          this.options.logger.warn({ scope }, 'idempotent result not kept: a later attempt holds the key');
          return;
        }
        if (tries >= KEEP_TRIES) {
          this.options.logger.warn({ scope, error: errorName(error) }, 'idempotent result not kept: a retry will do the work again');
          return;
        }
        await sleep(50 * tries);
      }
    }
  }

  /** Deletes the record if this attempt still holds it; if that fails, its lease lapses. */
  private async release(pk: AttributeValue, attempt: string): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk },
          ConditionExpression: 'attempt = :attempt',
          ExpressionAttributeValues: { ':attempt': { S: attempt } },
        }),
      )
      .catch(() => undefined);
  }

  private async replay<T>(pk: AttributeValue, fingerprint: string): Promise<T> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }));
    if (!Item) throw idempotencyError('The first request with this idempotency key failed just now; retry.', 'IDEMPOTENCY_KEY_IN_USE', 409);
    if (Item.fingerprint?.S !== fingerprint) {
      throw idempotencyError('This idempotency key was used with different input. Use a new key for a new request.', 'IDEMPOTENCY_KEY_REUSED', 422);
    }
    if (Item.state?.S !== 'done' || !Item.result?.S) {
      throw idempotencyError('The first request with this idempotency key is still running; retry shortly.', 'IDEMPOTENCY_KEY_IN_USE', 409);
    }
    return JSON.parse(await this.secrets.open(Item.result.S)) as T;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}

function idempotencyError(message: string, code: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/** JSON with object keys sorted, so that equal input has one fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
