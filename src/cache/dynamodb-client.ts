import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface DynamoOptions {
  region: string;
  /** Local DynamoDB (dynalite) on the embedded default; unset in AWS. */
  endpoint?: string;
  /** One attempt: connecting, and waiting for the answer. */
  timeoutMs: number;
  /** The whole call, retries and back-off included. */
  deadlineMs: number;
}

/**
 * A DynamoDB client whose every call ends within `deadlineMs`, whatever DynamoDB does.
 * @smithy/node-http-handler's `requestTimeout` only logs a warning unless `throwOnRequestTimeout`
 * is set, and nothing bounds the retries of the whole call: a slow or silent DynamoDB would hold
 * requests for minutes. Each attempt is therefore aborted at `timeoutMs`, and each call carries an
 * abort signal firing at `deadlineMs` (the SDK's `send` takes one per call, so it is added here,
 * once, rather than at every call site).
 */
export function createDynamoClient(options: DynamoOptions): DynamoDBClient {
  const client = new DynamoDBClient({
    region: options.region,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
    }),
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const send = client.send.bind(client) as (command: unknown, options?: object) => Promise<unknown>;
  // Only the promise form is used in this codebase; the callback forms pass through untouched.
  client.send = ((command: unknown, sendOptions?: unknown, callback?: unknown) =>
    typeof sendOptions === 'function' || callback !== undefined
      ? (send as (...args: unknown[]) => unknown)(command, sendOptions, callback)
      : send(command, { abortSignal: AbortSignal.timeout(options.deadlineMs), ...(sendOptions as object | undefined) })) as DynamoDBClient['send'];
  return client;
}
