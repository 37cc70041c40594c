import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

// The lock on guessing one code: at most `maxFailures` guesses at a code are ever evaluated in one
// window, however many arrive at once. A check first reserves a place on the code's
// `fail#<hash>` item (a conditional ADD: no item, or the window open and fewer than `maxFailures`
// places reserved) and only then is evaluated: a guess that does not match keeps its place as a
// failure (`failures`), one that matches hands it back. Counting after evaluating, as before, let
// a burst of concurrent guesses all be evaluated before any was counted.
//
// The window is the item's `ttl` (epoch seconds): each reservation moves it to `windowSeconds`
// from now, so a code locks for that long after the last guess. While places are held by checks
// still running, a check waits for them (bounded) rather than being refused: a burst of right
// answers, such as many concurrent uses of one code, must all be evaluated. Checks in one process
// wait their turn in memory first, so that waiting costs DynamoDB nothing; only checks in other
// processes are waited for by reading the item again. A process that dies holding a place leaves
// it reserved until the window ends: that fails safe, towards fewer guesses.

export interface AttemptPolicy {
  maxFailures: number;
  windowSeconds: number;
}

type Reservation = { kind: 'reserved' } | { kind: 'locked'; retryAfterSeconds: number };

export type Guess<T> = { kind: 'match'; value: T } | { kind: 'no-match' } | { kind: 'locked'; retryAfterSeconds: number };

interface FailItem {
  failures: number;
  /** Undefined on items written before reservations existed. */
  reserved: number | undefined;
  ttl: number;
}

/** How long a check waits for places held by checks still running, before answering "locked". */
const WAIT_FOR_PLACES_MS = 3_000;

const n = (value: number): AttributeValue => ({ N: String(value) });

export class AttemptLock {
  private readonly turns: LocalTurns;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly policy: AttemptPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.turns = new LocalTurns(policy.maxFailures);
  }

  /**
   * Evaluates one guess at `codeHash` if a place can be had for it: `evaluate` answers what
   * matched, or undefined for no match. Locked: not evaluated at all.
   */
  async guess<T>(codeHash: string, evaluate: () => Promise<T | undefined>): Promise<Guess<T>> {
    await this.turns.enter(codeHash);
    try {
      const reservation = await this.reserve(codeHash);
      if (reservation.kind === 'locked') return reservation;
      let value: T | undefined;
      try {
        value = await evaluate();
      } catch (error) {
        // Not evaluated after all: hand the place back if the table lets us.
        await this.adjust(codeHash, 'reserved', -1).catch(() => undefined);
        throw error;
      }
      // A match was no guess: its place is handed back. A miss keeps it, as a failure.
      if (value === undefined) {
        await this.adjust(codeHash, 'failures', 1);
        return { kind: 'no-match' };
      }
      await this.adjust(codeHash, 'reserved', -1);
      return { kind: 'match', value };
    } finally {
      this.turns.leave(codeHash);
    }
  }

  /** A place for one guess at `codeHash`, or how long the code stays locked. */
  private async reserve(codeHash: string): Promise<Reservation> {
    const key = { pk: { S: `fail#${codeHash}` } };
    const waitUntil = this.now() + WAIT_FOR_PLACES_MS;
    for (let round = 0; ; round++) {
      const now = this.now();
      if (await this.take(key, now)) return { kind: 'reserved' };
      const item = await this.read(key);
      let replacement: { failures: number; reserved: number } | undefined;
      if (!item || item.ttl * 1000 <= now) {
        // The last window has passed (DynamoDB's TTL deletes lazily): count from nothing again.
        replacement = { failures: 0, reserved: 1 };
      } else if (item.failures >= this.policy.maxFailures) {
        return { kind: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((item.ttl * 1000 - now) / 1000)) };
      } else if (item.reserved === undefined) {
        // Written before reservations: its failures are the places already taken.
        replacement = { failures: item.failures, reserved: item.failures + 1 };
      }
      if (replacement && (await this.replace(key, item, replacement, now))) return { kind: 'reserved' };
      // Still contended after all this while: refuse, as a lock would, briefly.
      if (now >= waitUntil) return { kind: 'locked', retryAfterSeconds: 1 };
      // Another check replaced it first: look again at once. Places held by checks still
      // running: wait for them to be confirmed or handed back.
      if (!replacement) await sleep(Math.min(50, 5 * 2 ** round) * (0.5 + Math.random()));
    }
  }

  private async take(key: Record<string, AttributeValue>, now: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD reserved :one, failures :zero SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(pk) OR (#ttl > :nowSeconds AND reserved < :max)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': n(1), ':zero': n(0), ':ttl': n(this.windowEnd(now)), ':nowSeconds': n(Math.floor(now / 1000)), ':max': n(this.policy.maxFailures) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async read(key: Record<string, AttributeValue>): Promise<FailItem | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!Item) return undefined;
    return { failures: Number(Item.failures?.N ?? 0), reserved: Item.reserved?.N === undefined ? undefined : Number(Item.reserved.N), ttl: Number(Item.ttl?.N ?? 0) };
  }

  /** Replaces the item as it was read, or does nothing if another check changed it meanwhile. */
  private async replace(key: Record<string, AttributeValue>, old: FailItem | undefined, next: { failures: number; reserved: number }, now: number): Promise<boolean> {
    const unchanged = !old
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: `#ttl = :oldTtl AND failures = :oldFailures AND ${old.reserved === undefined ? 'attribute_not_exists(reserved)' : 'reserved = :oldReserved'}`,
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':oldTtl': n(old.ttl), ':oldFailures': n(old.failures), ...(old.reserved === undefined ? {} : { ':oldReserved': n(old.reserved) }) },
        };
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.tableName, Item: { ...key, failures: n(next.failures), reserved: n(next.reserved), ttl: n(this.windowEnd(now)) }, ...unchanged }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async adjust(codeHash: string, attribute: 'failures' | 'reserved', by: 1 | -1): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: `fail#${codeHash}` } },
          UpdateExpression: `ADD ${attribute} :by`,
          // Never revive an item the window has removed, nor hand back a place twice.
          ConditionExpression: by < 0 ? 'attribute_exists(pk) AND reserved > :zero' : 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':by': n(by), ...(by < 0 ? { ':zero': n(0) } : {}) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private windowEnd(now: number): number {
    return Math.ceil(now / 1000) + this.policy.windowSeconds;
  }
}

/** At most `size` checks of one code at a time in this process; the rest wait in memory, in turn. */
class LocalTurns {
  private readonly codes = new Map<string, { held: number; waiting: (() => void)[] }>();

  constructor(private readonly size: number) {}

  async enter(key: string): Promise<void> {
    const code = this.codes.get(key) ?? { held: 0, waiting: [] };
    this.codes.set(key, code);
    if (code.held < this.size) {
      code.held++;
      return;
    }
    await new Promise<void>((resolve) => code.waiting.push(resolve)); // handed a turn by leave()
  }

  leave(key: string): void {
    const code = this.codes.get(key);
    if (!code) return;
    const next = code.waiting.shift();
    if (next) next();
    else if (--code.held === 0) this.codes.delete(key);
  }
}
