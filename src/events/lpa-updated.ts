import type { ReadThrough } from '../cache/read-through';
import type { Logger } from '../logger';
import type { LpaStoreLpa } from '../lpa-store/lpa-store-lpa';
import { parseLpaStoreUid } from '../lpa-store/lpa-store-uid';
import { LpaUpdatedEventSchema } from './lpa-updated-event';

// Events change the cache, nothing else (DESIGN.md). The LPA Store announces each change to an LPA
// as `lpa-updated`; this brings the cached copy up to date, once, for every instance: it reads the
// LPA again and stores it in the shared table (or forgets it, if it is gone). The events Lambda and
// the embedded stack both run this one function.
//
// - A malformed event, or one for an LPA the gateway never cached, is counted and dropped: it can
//   never succeed, so it is never retried.
// - Events may arrive twice, late or out of order: each one re-reads the LPA as it is now, and a
//   copy of an older version never replaces a newer one (the store's `updatedAt`), so applying any
//   of them again changes nothing.
// - A failure to apply (the store or the cache could not answer) throws: the caller retries it
//   (SQS, then its dead-letter queue), so a change is never lost.

export type EventOutcome = 'applied' | 'dropped';

export interface EventMetrics {
  event(outcome: 'received' | 'applied' | 'dropped' | 'failed', reason?: string): void;
  /** Seconds from the store's change (the event's time) to the cache holding it. */
  lag(seconds: number): void;
}

export interface LpaUpdatedHandlerOptions {
  reads: ReadThrough<string, LpaStoreLpa>;
  metrics: EventMetrics;
  logger: Logger;
}

export function createLpaUpdatedHandler({ reads, metrics, logger }: LpaUpdatedHandlerOptions) {
  return async function handle(event: unknown): Promise<EventOutcome> {
    metrics.event('received');
    const parsed = LpaUpdatedEventSchema.safeParse(event);
    const uid = parsed.success ? parseLpaStoreUid(parsed.data.detail.uid) : null;
    if (!parsed.success || uid === null) {
      metrics.event('dropped', 'malformed');
      // Paths and codes only: an event is not personal data, but a malformed one could hold anything.
      logger.warn({ problems: parsed.success ? ['detail.uid: check digit'] : parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.code}`) }, 'lpa-updated event dropped: malformed');
      return 'dropped';
    }
    const { id, time, detail } = parsed.data;
    try {
      // Only what some instance has read is kept current: the rest is read when first asked for.
      if (!(await reads.holds(uid))) {
        metrics.event('dropped', 'not-cached');
        return 'dropped';
      }
      const outcome = await reads.refresh(uid, { requestId: `event-${id}` });
      metrics.event('applied');
      metrics.lag(Math.max(0, (Date.now() - Date.parse(time)) / 1000));
      logger.info({ eventId: id, changeType: detail.changeType, outcome }, 'lpa-updated event applied');
      return 'applied';
    } catch (error) {
      metrics.event('failed');
      logger.warn({ eventId: id, reason: error instanceof Error ? error.name : 'unknown' }, 'lpa-updated event not applied: it will be retried');
      throw error;
    }
  };
}

export type LpaUpdatedHandler = ReturnType<typeof createLpaUpdatedHandler>;
