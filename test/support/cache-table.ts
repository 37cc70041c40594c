import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { TestGateway } from './gateway';

// The embedded cache table read and written straight in dynalite (behind the fault proxy, so a
// test can look while it makes DynamoDB misbehave for the gateway).

function direct(gateway: TestGateway): DynamoDBClient {
  return new DynamoDBClient({ endpoint: gateway.embedded!.dynamoDirectEndpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

const keyOf = (uid: string) => ({ pk: { S: `sirius#lpa#uid#${uid.replaceAll('-', '')}` } });

/** The cache item for a Sirius uid, or undefined. */
export async function cachedItem(gateway: TestGateway, uid: string): Promise<Record<string, AttributeValue> | undefined> {
  const dynamo = direct(gateway);
  try {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: gateway.embedded!.cacheTable.tableName, Key: keyOf(uid) }));
    return Item;
  } finally {
    dynamo.destroy();
  }
}

/** A response waits at most CACHE_WRITE_WAIT_MS for its write; on a busy machine the write may land
 *  just after. Tests that need the item wait for it rather than for a fixed time. */
export async function untilCached(gateway: TestGateway, uid: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await cachedItem(gateway, uid)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${uid} was never cached`);
}

/** Writes a cache item as another instance (or an older gateway, or an attacker) might have. */
export async function putCachedItem(gateway: TestGateway, uid: string, item: { status: 200 | 410; body: string; storedAt: number }): Promise<void> {
  const dynamo = direct(gateway);
  try {
    await dynamo.send(
      new PutItemCommand({
        TableName: gateway.embedded!.cacheTable.tableName,
        Item: {
          ...keyOf(uid),
          status: { N: String(item.status) },
          body: { B: Buffer.from(item.body) },
          encoding: { S: 'identity' },
          storedAt: { N: String(item.storedAt) },
          expiresAt: { N: String(Math.ceil(item.storedAt / 1000) + 3600) },
        },
      }),
    );
  } finally {
    dynamo.destroy();
  }
}
