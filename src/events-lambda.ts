// The events Lambda entry: `handler` in dist/events.js, fed by the SQS queue that the LPA Store's
// `lpa-updated` rule delivers to (infra/sirius-gateway-stack.ts). Each record's body is the whole
// EventBridge event; the handler is the one the embedded default runs (src/events/lpa-updated.ts).
//
// - A record whose handling threw is reported in batchItemFailures: SQS makes it visible again
//   and, after maxReceiveCount receives, moves it to the dead-letter queue (kept, alarmed on).
// - A dropped record (malformed, or for an LPA no one cached) is a success: it is deleted, never
//   retried. A body that is not JSON is handed to the handler as it is, so that it is counted and
//   dropped like any other malformed event rather than failing forever.
// - The app is built once per Lambda instance, on the first invocation; a failure to build it
//   fails the whole batch (every record is retried) and the next invocation tries again.
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadConfig } from './config/config';
import { createEventsApp, type EventsApp } from './events/events-app';
import { createLogger, type Logger } from './logger';

let instance: Promise<{ app: EventsApp; logger: Logger }> | undefined;

async function boot(): Promise<{ app: EventsApp; logger: Logger }> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  if (config.embedded || config.cache.tableName === undefined || config.lpaStore.baseUrl === undefined) {
    throw new Error('The events Lambda entry needs production configuration: SIRIUS_BASE_URL, CACHE_TABLE_NAME, LPA_STORE_BASE_URL, …');
  }
  return { app: await createEventsApp(config, logger), logger };
}

/** The record's body as the event it should be: JSON parsed, or the text itself when it is not JSON. */
function eventOf(record: SQSRecord): unknown {
  try {
    return JSON.parse(record.body) as unknown;
  } catch {
    return record.body;
  }
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  instance ??= boot().catch((error: unknown) => {
    instance = undefined; // the next invocation tries again
    throw error;
  });
  const { app, logger } = await instance;
  const records = event.Records ?? [];
  // Concurrently: events for different LPAs are independent, and the handler is idempotent and
  // order-free (two events for one LPA share one store read).
  const outcomes = await Promise.all(
    records.map(async (record) => {
      try {
        return await app.handle(eventOf(record));
      } catch {
        return 'failed' as const; // the handler has logged and counted why
      }
    }),
  );
  const batchItemFailures: SQSBatchItemFailure[] = records.filter((_, i) => outcomes[i] === 'failed').map((record) => ({ itemIdentifier: record.messageId }));
  const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
  logger.info({ records: records.length, applied: count('applied'), dropped: count('dropped'), failed: batchItemFailures.length }, 'lpa-updated batch handled');
  return { batchItemFailures };
}
