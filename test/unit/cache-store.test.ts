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
