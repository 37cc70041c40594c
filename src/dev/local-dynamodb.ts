import { mkdirSync } from 'node:fs';
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { localStatePath } from './local-state';
import { listenOnLoopback } from './loopback-server';

// The embedded default's DynamoDB: dynalite in this process, speaking the real wire protocol, so the
// cache code is the same AWS SDK code as in production. On disk under .local/ (the cache survives
// restarts) or in memory for tests. In AWS the table comes from infra/ and is never created here.

export const LOCAL_TABLE_NAME = 'sirius-gateway-cache';
export const LOCAL_CODES_TABLE_NAME = 'sirius-gateway-codes';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalDynamo(options: { inMemory: boolean }): Promise<LocalDynamo> {
  let path: string | undefined;
  if (!options.inMemory) {
    path = localStatePath('dynalite');
    mkdirSync(path, { recursive: true });
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  const { url, close } = await listenOnLoopback(server, 0);
  return { endpoint: url, close };
}

/** Creates a table as infra/ defines the gateway's tables (key `pk`; TTL is infra's job). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
}
