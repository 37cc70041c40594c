import { randomBytes } from 'node:crypto';
import { DynamoDBClient, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { CacheStore } from '../../src/cache/cache-store';
import { createLogger } from '../../src/logger';

// Pure logic of the item written (the wire round trip is covered against dynalite in
// test/integration/cache.test.ts): the TTL must never fall before storedAt + retention.
describe('cache item expiry', () => {
  it.each([1_700_000_000_000, 1_700_000_000_999, 1_700_000_000_001])('storedAt %d keeps the item a full retention period', async (storedAt) => {
    let sent: PutItemCommandInput | undefined;
    const client = { send: async (command: { input: PutItemCommandInput }) => void (sent = command.input) } as unknown as DynamoDBClient;
    const store = new CacheStore({ client, tableName: 't', compressAboveBytes: 1000, retainSeconds: 1, logger: createLogger('silent') });
    await store.put('k', { status: 200, body: '{}', storedAt });
    expect(Number(sent?.Item?.expiresAt?.N) * 1000).toBeGreaterThanOrEqual(storedAt + 1000);
  });
});

describe('what DynamoDB cannot store', () => {
  it('an answer over the item limit even gzipped is never sent, and is reported', async () => {
    const sent: unknown[] = [];
    const client = { send: async (command: unknown) => void sent.push(command) } as unknown as DynamoDBClient;
    const faults: string[] = [];
    const store = new CacheStore({ client, tableName: 't', compressAboveBytes: 1000, retainSeconds: 60, logger: createLogger('silent'), onWriteFault: (reason) => void faults.push(reason) });
    // Random base64 barely compresses: 600 KB of it stays far above DynamoDB's 400 KB.
    const body = randomBytes(450 * 1024).toString('base64');
    expect(await store.put('k', { status: 200, body, storedAt: Date.now() })).toBe('too-large');
    expect(sent).toHaveLength(0);
    expect(faults).toEqual(['too-large']);
    // A large but compressible answer is stored, gzipped.
    expect(await store.put('k', { status: 200, body: '{"a":"'.concat('x'.repeat(800 * 1024), '"}'), storedAt: Date.now() })).toBe('stored');
    expect(sent).toHaveLength(1);
  });
});
