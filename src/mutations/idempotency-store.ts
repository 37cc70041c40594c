import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GraphQLError } from 'graphql';

// Idempotent mutations: the first result for a key is kept (sealed: it may hold a new code) for
// 24 hours, and a retry with the same key and the same input gets it back without the work being
// done again. The same key with other input is refused. While the first attempt runs it holds a
// lease; if it dies, the lease lapses and a retry does the work.

export interface Sealer {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

export interface IdempotencyOptions {
  retainSeconds: number;
  leaseSeconds: number;
  now?: () => number;
}

const KEY = /^[\w.:-]{1,128}$/;

export class IdempotencyStore {
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly sealer: Sealer,
    private readonly options: IdempotencyOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Runs `work` once per (scope, key); `input` must be the same on every retry. */
  async run<T>(scope: string, key: string, input: unknown, work: () => Promise<T>): Promise<T> {
    if (!KEY.test(key)) throw idempotencyError('An idempotency key is 1 to 128 letters, digits, or . _ : -', 'BAD_USER_INPUT', 400);
    const pk = { S: `idem#${createHash('sha256').update(`${scope}\n${key}`).digest('base64url')}` };
    const fingerprint = createHash('sha256').update(canonicalJson(input)).digest('base64url');
    const now = this.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk,
            fingerprint: { S: fingerprint },
            state: { S: 'pending' },
            leaseUntil: { N: String(now + this.options.leaseSeconds * 1000) },
            ttl: { N: String(Math.ceil(now / 1000) + this.options.retainSeconds) },
          },
          // A new key, or one whose first attempt died holding its lease.
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
      result = await work();
    } catch (error) {
      // Nothing to replay: let a retry try again.
      await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk } })).catch(() => undefined);
      throw error;
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk },
        UpdateExpression: 'SET #state = :done, #result = :result',
        ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
        ExpressionAttributeValues: { ':done': { S: 'done' }, ':result': { S: await this.sealer.seal(JSON.stringify(result)) } },
      }),
    );
    return result;
  }

  private async replay<T>(pk: { S: string }, fingerprint: string): Promise<T> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }));
    if (!Item) throw idempotencyError('The first request with this idempotency key failed just now; retry.', 'IDEMPOTENCY_KEY_IN_USE', 409);
    if (Item.fingerprint?.S !== fingerprint) {
      throw idempotencyError('This idempotency key was used with different input. Use a new key for a new request.', 'IDEMPOTENCY_KEY_REUSED', 422);
    }
    if (Item.state?.S !== 'done' || !Item.result?.S) {
      throw idempotencyError('The first request with this idempotency key is still running; retry shortly.', 'IDEMPOTENCY_KEY_IN_USE', 409);
    }
    return JSON.parse(await this.sealer.open(Item.result.S)) as T;
  }
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
