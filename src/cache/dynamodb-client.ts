import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface DynamoOptions {
  region: string;
  /** Local DynamoDB (dynalite) on the embedded default; unset in AWS. */
  endpoint?: string;
  /** Per attempt: the cache must never be what makes a request slow. */
  timeoutMs: number;
}

export function createDynamoClient(options: DynamoOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs }),
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}
