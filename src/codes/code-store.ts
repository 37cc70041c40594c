import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

// The codes table (one table, key `pk`, TTL on `ttl`). Items:
//   code#<hash>                 one code: its LPA, actor, date-of-birth hash, status and dates
//   actor#<lpaUid>#<actorUid>   the actor's current code (its hash): the only code that can be used
//   fail#<hash>                 guesses at a code (or at one that does not exist): attempt-lock.ts
//   rate#<scope>#<id>#<window>  attempts in one minute (or day), for rate limits
//   idem#<digest>               idempotency records (src/mutations/idempotency-store.ts)
// Keys and attributes hold uids, keyed digests (code-secrets.ts) and sealed results: never a
// code, a date of birth, or an unkeyed hash of either.
//
// Key ids. Every code# and actor# item (and idem# item) holds `keyId`, the id of the secret its
// digests were made under (CodeSecrets.keyId). An item without one was written before key ids
// existed, under the one secret there has ever been: it is read as the current key's. An item
// whose keyId is another key's never matches (its digests cannot be checked with this key).
// The secret keying the digests can then be replaced without invalidating printed codes:
//   - the secret becomes a list of keys, newest first, each with its id (still HKDF-derived);
//   - a new code, actor pointer or idempotency record is written under the newest key only;
//   - a check computes the code's digest under each known key, newest first, and takes the first
//     code# item found whose keyId is that key's (or, with no keyId, the oldest key's, the one
//     items were written under before key ids); the date of birth is then compared under that
//     same key, and the actor pointer against that item's own hash;
//   - fail# and rate# items are counters living minutes, keyed by the digest under the newest key
//     (one item per code whatever key made it); a new key restarts them once, no more;
//   - idem# items live 24 hours: one sealed under an older key is opened with it, or after a day
//     of the new key there are none;
//   - an old key is dropped once no code# item holding its keyId can still be used (validUntil
//     passed for all of them: CODES_VALID_DAYS after the new key's first write), never earlier.
// Every state change is a conditional write, so two concurrent requests can never both use, or
// use and revoke, one code. There are no transactions (dynalite has none): the actor's pointer
// decides which code is current, so a code orphaned by a crash mid-create can never be used.

export type CodeStatus = 'active' | 'used' | 'revoked';

export interface CodeRecord {
  codeHash: string;
  lpaUid: string;
  actorUid: string;
  dateOfBirthHash: string;
  status: CodeStatus;
  createdAt: number;
  validUntil: number;
  usedAt?: number;
  revokedAt?: number;
  /** Which idempotency key used it (a keyed digest), so that its own retry is told it succeeded. */
  usedBy?: string;
  /** The id of the key its digests were made under; absent on items written before key ids: the current key. */
  keyId?: string;
}

/** Items outlive their codes by this much, so that "expired" and "used" can still be told. */
const KEEP_AFTER_EXPIRY_SECONDS = 90 * 24 * 3600;

const n = (value: number): AttributeValue => ({ N: String(value) });
const s = (value: string): AttributeValue => ({ S: value });

export class CodeStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** False if the hash is taken (a collision: the caller draws another code). */
  async putCode(record: CodeRecord & { keyId: string }): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: s(`code#${record.codeHash}`),
            lpaUid: s(record.lpaUid),
            actorUid: s(record.actorUid),
            dateOfBirthHash: s(record.dateOfBirthHash),
            keyId: s(record.keyId),
            status: s(record.status),
            createdAt: n(record.createdAt),
            validUntil: n(record.validUntil),
            ttl: n(expiry(record.validUntil)),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getCode(codeHash: string): Promise<CodeRecord | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: s(`code#${codeHash}`) }, ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      codeHash,
      lpaUid: Item.lpaUid?.S ?? '',
      actorUid: Item.actorUid?.S ?? '',
      dateOfBirthHash: Item.dateOfBirthHash?.S ?? '',
      status: (Item.status?.S ?? 'revoked') as CodeStatus,
      createdAt: Number(Item.createdAt?.N),
      validUntil: Number(Item.validUntil?.N),
      ...(Item.usedAt?.N ? { usedAt: Number(Item.usedAt.N) } : {}),
      ...(Item.revokedAt?.N ? { revokedAt: Number(Item.revokedAt.N) } : {}),
      ...(Item.usedBy?.S ? { usedBy: Item.usedBy.S } : {}),
      ...(Item.keyId?.S ? { keyId: Item.keyId.S } : {}),
    };
  }

  /** Makes `codeHash` (a digest under key `keyId`) the actor's current code; returns the one it replaced. */
  async setCurrent(lpaUid: string, actorUid: string, codeHash: string, validUntil: number, keyId: string): Promise<string | undefined> {
    const { Attributes } = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: s(actorKey(lpaUid, actorUid)) },
        UpdateExpression: 'SET codeHash = :hash, keyId = :keyId, #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':hash': s(codeHash), ':keyId': s(keyId), ':ttl': n(expiry(validUntil)) },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return Attributes?.codeHash?.S;
  }

  async getCurrent(lpaUid: string, actorUid: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: s(actorKey(lpaUid, actorUid)) }, ConsistentRead: true }));
    return Item?.codeHash?.S;
  }

  /**
   * active → used or revoked, only if still active (and, to use it, not expired). Exactly one of
   * any number of concurrent transitions of one code succeeds.
   */
  async leaveActive(codeHash: string, to: 'used' | 'revoked', nowMs: number, usedBy?: string): Promise<boolean> {
    const at = to === 'used' ? 'usedAt' : 'revokedAt';
    const by = to === 'used' ? usedBy : undefined;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(`code#${codeHash}`) },
          UpdateExpression: `SET #status = :to, ${at} = :now${by !== undefined ? ', usedBy = :by' : ''}`,
          ConditionExpression: to === 'used' ? '#status = :active AND validUntil > :now' : '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': s(to), ':active': s('active'), ':now': n(nowMs), ...(by !== undefined ? { ':by': s(by) } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Adds one to a counter that disappears (TTL) after `ttlSeconds`; returns the new count. */
  async count(key: string, ttlSeconds: number, nowMs: number): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: s(key) },
        UpdateExpression: 'ADD attempts :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': n(1), ':ttl': n(Math.ceil(nowMs / 1000) + ttlSeconds) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.attempts?.N ?? 0);
  }

  /** Takes one back from a counter (an attempt that did nothing), never reviving an expired one. */
  async uncount(key: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(key) },
          UpdateExpression: 'ADD attempts :minusOne',
          ConditionExpression: 'attempts > :zero',
          ExpressionAttributeValues: { ':minusOne': n(-1), ':zero': n(0) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function actorKey(lpaUid: string, actorUid: string): string {
  return `actor#${lpaUid}#${actorUid}`;
}

function expiry(validUntilMs: number): number {
  return Math.ceil(validUntilMs / 1000) + KEEP_AFTER_EXPIRY_SECONDS;
}
