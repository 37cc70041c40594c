import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GraphQLError } from 'graphql';
import type { Logger } from '../logger';

// When the codes table cannot answer just now (a timeout, throttling, a DynamoDB 5xx, a dropped
// connection), code checks and mutations fail with one retryable error, CODES_UNAVAILABLE (503 and
// Retry-After), not INTERNAL_SERVER_ERROR: the caller should retry, and nobody has a bug to find.
// It is mapped once, as middleware on the codes table's client, so no store or resolver need know.
// Anything else DynamoDB says (a validation error, a missing table) is a bug and stays internal.

export const CODES_UNAVAILABLE = 'CODES_UNAVAILABLE';
const RETRY_AFTER_SECONDS = 2;

const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'AbortError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

// Transport failures, as Node and undici name them.
const TRANSPORT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function isCodesTableUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata } = error as SdkErrorShape;
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
  if (typeof code === 'string' && TRANSPORT_CODES.has(code)) return true;
  const status = $metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

export function codesUnavailableError(): GraphQLError {
  return new GraphQLError('Activation codes are unavailable just now; retry shortly.', {
    extensions: {
      code: CODES_UNAVAILABLE,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      http: { status: 503, headers: new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
    },
  });
}

/** The codes table's client, whose calls fail as CODES_UNAVAILABLE when the table cannot answer. */
export function reportingUnavailability(client: DynamoDBClient, logger: Logger): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!isCodesTableUnavailable(error)) throw error;
        // The error's name and the operation only: an SDK message may quote a key.
        logger.warn({ operation: context.commandName, error: (error as SdkErrorShape).name }, 'codes table unavailable');
        throw codesUnavailableError();
      }
    },
    // After the SDK's own retries (which run in a later step): only a final failure is mapped.
    { step: 'initialize', name: 'codesUnavailable', priority: 'high' },
  );
  return client;
}
